"""The annual appraisal as a guarded state machine (DOMAIN.md "Workflow"), pure: steps, transitions
and the guards that must hold; services apply them under row locks.

    self_summary → vote → supervisor → (special_review for risk posts) → proposal → committee
      → (publication, for a proposed 优秀) → decision → notice → filed
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["TRANSITIONS", "Facts", "Step", "blockers", "next_step"]


class Step(StrEnum):
    SELF_SUMMARY = "self_summary"  # 个人总结与述职
    VOTE = "vote"  # 民主测评
    SUPERVISOR = "supervisor"  # 主管领导评语与建议等次
    SPECIAL_REVIEW = "special_review"  # 风险岗位纪检、审计联合审查
    PROPOSAL = "proposal"  # 系统建议等次（门槛与名额）
    COMMITTEE = "committee"  # 考核委员会审核
    PUBLICATION = "publication"  # 拟定优秀公示
    DECISION = "decision"  # 机关负责人或考核委员会确定
    NOTICE = "notice"  # 书面通知本人，本人签署意见
    FILED = "filed"  # 存入档案


@dataclass(frozen=True)
class Facts:
    """What is true of one person's appraisal now; the services read it from the database."""

    summary_submitted: bool = False
    votes_closed: bool = False
    supervisor_graded: bool = False
    risk_post: bool = False
    special_review_done: bool = False
    proposal_ready: bool = False
    committee_graded: bool = False
    committee_grade_excellent: bool = False
    publication_over: bool = False
    objections_open: int = 0
    decided: bool = False
    acknowledged: bool = False


# (from, to) → the guards that must all hold, as (fact name, reason code when it does not).
TRANSITIONS: dict[tuple[Step, Step], tuple[tuple[str, str], ...]] = {
    (Step.SELF_SUMMARY, Step.VOTE): (("summary_submitted", "summary_missing"),),
    (Step.VOTE, Step.SUPERVISOR): (("votes_closed", "votes_open"),),
    (Step.SUPERVISOR, Step.SPECIAL_REVIEW): (
        ("supervisor_graded", "supervisor_grade_missing"),
        ("risk_post", "not_a_risk_post"),
    ),
    (Step.SUPERVISOR, Step.PROPOSAL): (
        ("supervisor_graded", "supervisor_grade_missing"),
        ("!risk_post", "risk_post_needs_review"),
    ),
    (Step.SPECIAL_REVIEW, Step.PROPOSAL): (("special_review_done", "special_review_missing"),),
    (Step.PROPOSAL, Step.COMMITTEE): (("proposal_ready", "no_scoring_run"),),
    (Step.COMMITTEE, Step.PUBLICATION): (
        ("committee_graded", "committee_grade_missing"),
        ("committee_grade_excellent", "not_proposed_excellent"),
    ),
    (Step.COMMITTEE, Step.DECISION): (
        ("committee_graded", "committee_grade_missing"),
        ("!committee_grade_excellent", "excellent_needs_publication"),
    ),
    (Step.PUBLICATION, Step.DECISION): (
        ("publication_over", "publication_running"),
        ("!objections_open", "objections_open"),
    ),
    (Step.DECISION, Step.NOTICE): (("decided", "not_decided"),),
    (Step.NOTICE, Step.FILED): (("acknowledged", "not_acknowledged"),),
}


def _holds(facts: Facts, name: str) -> bool:
    negated = name.startswith("!")
    value = getattr(facts, name.lstrip("!"))
    truth = bool(value)
    return not truth if negated else truth


def blockers(current: Step, target: Step, facts: Facts) -> list[str]:
    """Reason codes that stop the move (empty: allowed); an unknown move is itself a reason."""
    guards = TRANSITIONS.get((current, target))
    if guards is None:
        return ["no_such_transition"]
    return [reason for name, reason in guards if not _holds(facts, name)]


def next_step(current: Step, facts: Facts) -> Step | None:
    """The step the facts allow from `current` (at most one is ever open), or None."""
    for (origin, target), _guards in TRANSITIONS.items():
        if origin == current and not blockers(current, target, facts):
            return target
    return None
