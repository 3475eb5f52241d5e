"""The ballot table cannot link a ballot to its voter (B5, J3): no voter column, no time, random keys."""

import uuid

from django.db import models

from kaohe.accounts.models import User
from kaohe.ballots.api import CellOut, MyRoundOut, RoundOut
from kaohe.ballots.models import Ballot, Participation
from kaohe.org.models import CivilServant

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


def _concrete(model):
    return [f for f in model._meta.get_fields() if getattr(f, "concrete", False)]


def test_a_ballot_relates_to_its_round_and_its_ratee_only():
    relations = {f.name: f.related_model for f in _concrete(Ballot) if f.is_relation}

    assert sorted(relations) == ["ratee", "round"]
    assert relations["ratee"] is CivilServant
    assert User not in relations.values()
    assert not [f.name for f in Ballot._meta.get_fields() if "voter" in f.name or "user" in f.name]


def test_a_ballot_has_no_time_of_any_granularity():
    assert [f.name for f in _concrete(Ballot) if isinstance(f, TIME_FIELDS)] == []


def test_a_ballot_key_is_a_random_uuid4_not_a_sequence():
    pk = Ballot._meta.pk

    assert isinstance(pk, models.UUIDField)
    assert pk.default is uuid.uuid4
    assert Ballot().pk.version == 4


def test_participation_shares_nothing_with_a_ballot_but_the_round():
    ballot_columns = {f.column for f in _concrete(Ballot)}
    participation_columns = {f.column for f in _concrete(Participation)}

    assert ballot_columns & participation_columns == {"id", "round_id"}
    assert isinstance(Participation._meta.pk, models.UUIDField)
    assert [f.name for f in _concrete(Participation) if isinstance(f, TIME_FIELDS)] == []
    assert sorted(f.name for f in _concrete(Participation) if f.is_relation) == ["round"]


def test_no_api_schema_puts_a_voter_or_participation_hash_beside_ballot_fields():
    fields = {name for schema in (CellOut, MyRoundOut, RoundOut) for name in schema.model_fields}

    assert not [name for name in fields if "voter" in name or "hash" in name or "user" in name]
