import datetime as dt

import pytest

from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.org.models import Accountability, Leave, ProtectedState, Sanction
from kaohe.org.services import (
    accountability_record,
    investigation_record,
    leave_record,
    protected_state_record,
    sanction_record,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_personnel_record_is_saved_and_audited(city):
    office = factories.user("office", role=Role.APPRAISAL_OFFICE, scope=city.county_a)
    person = city.zhang_san
    day = dt.date(2026, 3, 2)

    sanction_record(actor=office, person=person, kind="demerit", start_date=day)
    accountability_record(actor=office, person=person, kind="admonition", date=day)
    leave_record(actor=office, person=person, kind="sick", start_date=day, end_date=day + dt.timedelta(days=9),
                 days=8)
    protected_state_record(actor=office, person=person, kind="injury_on_duty", start_date=day)
    investigation_record(actor=office, person=person, start_date=day)

    assert Sanction.objects.get(person=person).months == 12
    assert Accountability.objects.filter(person=person).count() == 1
    assert Leave.objects.get(person=person).days == 8
    assert ProtectedState.objects.filter(person=person).count() == 1
    assert sorted(AuditEvent.objects.filter(actor="office").values_list("action", flat=True)) == [
        "org.accountability.record", "org.investigation.record", "org.leave.record",
        "org.protected_state.record", "org.sanction.record",
    ]


def test_office_outside_the_scope_cannot_record_a_sanction(city):
    office_b = factories.user("office-b", role=Role.APPRAISAL_OFFICE, scope=city.county_b)

    with pytest.raises(PermissionDeniedError):
        sanction_record(actor=office_b, person=city.zhang_san, kind="warning", start_date=dt.date(2026, 3, 2))

    assert not Sanction.objects.exists()


def test_leave_ending_before_it_starts_is_refused(city):
    with pytest.raises(ApplicationError, match="end on or after"):
        leave_record(actor=None, person=city.zhang_san, kind="sick", start_date=dt.date(2026, 3, 2),
                     end_date=dt.date(2026, 3, 1), days=1)

    assert not Leave.objects.exists()


def test_unknown_kind_is_refused_with_the_field_named(city):
    with pytest.raises(ApplicationError) as error:
        protected_state_record(actor=None, person=city.zhang_san, kind="holiday", start_date=dt.date(2026, 3, 2))

    assert error.value.field == "kind"
