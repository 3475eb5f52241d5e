"""Every transition of the annual appraisal and every guard."""

import pytest

from kaohe.engine.workflow import TRANSITIONS, Facts, Step, blockers, next_step

ALL_TRUE = Facts(summary_submitted=True, votes_closed=True, supervisor_graded=True, special_review_done=True,
                 proposal_ready=True, committee_graded=True, publication_over=True, decided=True, acknowledged=True)


@pytest.mark.parametrize(
    ("_case", "current", "facts", "expected"),
    [
        ("summary opens the vote", Step.SELF_SUMMARY, Facts(summary_submitted=True), Step.VOTE),
        ("no summary, no move", Step.SELF_SUMMARY, Facts(), None),
        ("closed vote goes to the supervisor", Step.VOTE, Facts(votes_closed=True), Step.SUPERVISOR),
        ("ordinary post skips special review", Step.SUPERVISOR, Facts(supervisor_graded=True), Step.PROPOSAL),
        ("risk post goes to special review", Step.SUPERVISOR, Facts(supervisor_graded=True, risk_post=True),
         Step.SPECIAL_REVIEW),
        ("review done goes to the proposal", Step.SPECIAL_REVIEW, Facts(special_review_done=True), Step.PROPOSAL),
        ("a scoring run makes the proposal", Step.PROPOSAL, Facts(proposal_ready=True), Step.COMMITTEE),
        ("proposed 优秀 is published", Step.COMMITTEE, Facts(committee_graded=True, committee_grade_excellent=True),
         Step.PUBLICATION),
        ("other grades go to the decision", Step.COMMITTEE, Facts(committee_graded=True), Step.DECISION),
        ("publication over without objections", Step.PUBLICATION, Facts(publication_over=True), Step.DECISION),
        ("an open objection holds the decision", Step.PUBLICATION, Facts(publication_over=True, objections_open=1),
         None),
        ("decided goes to the notice", Step.DECISION, Facts(decided=True), Step.NOTICE),
        ("acknowledged notice is filed", Step.NOTICE, Facts(acknowledged=True), Step.FILED),
        ("filed is the end", Step.FILED, ALL_TRUE, None),
    ],
)
def test_next_step(_case, current, facts, expected):
    assert next_step(current, facts) == expected


def test_every_guard_names_its_reason():
    reasons = {reason for guards in TRANSITIONS.values() for _name, reason in guards}

    assert blockers(Step.PUBLICATION, Step.DECISION, Facts(objections_open=2)) == ["publication_running",
                                                                                   "objections_open"]
    assert blockers(Step.COMMITTEE, Step.DECISION, Facts(committee_graded=True, committee_grade_excellent=True)) \
        == ["excellent_needs_publication"]
    assert len(reasons) == 14


def test_skipping_a_step_is_refused():
    assert blockers(Step.SELF_SUMMARY, Step.DECISION, ALL_TRUE) == ["no_such_transition"]


def test_from_each_step_at_most_one_move_is_open():
    for step in Step:
        open_moves = [t for (o, t) in TRANSITIONS if o == step and not blockers(o, t, ALL_TRUE)]
        assert len(open_moves) <= 1, step
