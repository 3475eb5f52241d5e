"""A reverse score cannot be linked to its rater: no voter column, no time, a random key, nothing shared."""

import uuid

from django.db import models

from kaohe.accounts.models import User
from kaohe.org.models import Unit
from kaohe.unitratings.api import ReverseResultOut, ReverseRoundOut, TaskOut, TaskResultOut
from kaohe.unitratings.models import ReverseParticipation, ReverseScore

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


def _concrete(model):
    return [f for f in model._meta.get_fields() if getattr(f, "concrete", False)]


def test_a_score_relates_to_its_round_and_its_department_only():
    relations = {f.name: f.related_model for f in _concrete(ReverseScore) if f.is_relation}

    assert sorted(relations) == ["department", "round"]
    assert relations["department"] is Unit
    assert User not in relations.values()
    assert [f.name for f in ReverseScore._meta.get_fields()
            if any(word in f.name for word in ("voter", "user", "person", "rater", "hash"))] == []


def test_a_score_has_no_time_of_any_granularity_and_a_random_key():
    pk = ReverseScore._meta.pk

    assert [f.name for f in _concrete(ReverseScore) if isinstance(f, TIME_FIELDS)] == []
    assert isinstance(pk, models.UUIDField)
    assert pk.default is uuid.uuid4


def test_participation_shares_nothing_with_a_score_but_the_round():
    score_columns = {f.column for f in _concrete(ReverseScore)}
    participation_columns = {f.column for f in _concrete(ReverseParticipation)}

    assert score_columns & participation_columns == {"id", "round_id"}
    assert [f.name for f in _concrete(ReverseParticipation) if isinstance(f, TIME_FIELDS)] == []
    assert sorted(f.name for f in _concrete(ReverseParticipation) if f.is_relation) == ["round"]


def test_no_api_schema_carries_a_voter_or_a_participation_hash():
    fields = {name for schema in (ReverseRoundOut, ReverseResultOut, TaskOut, TaskResultOut)
              for name in schema.model_fields}

    assert [name for name in fields if "voter" in name or "hash" in name or "user" in name] == []
