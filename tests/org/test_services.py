import datetime as dt

import pytest
from django.db import connection

from kaohe.accounts.roles import Role
from kaohe.audit.models import AuditEvent
from kaohe.core.errors import ApplicationError, PermissionDeniedError
from kaohe.org.idcard import check_char
from kaohe.org.models import CivilServant, Posting
from kaohe.org.pinyin import pinyin_keys
from kaohe.org.services import person_create, person_transfer
from tests import factories

pytestmark = pytest.mark.django_db


def test_id_number_and_phone_are_ciphertext_in_the_database(city):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM org_civilservant WHERE id = %s", [city.zhang_san.pk])
        raw_id, raw_phone = cursor.fetchone()

    person = CivilServant.objects.get(pk=city.zhang_san.pk)
    assert raw_id.startswith("v1.k1.")
    assert person.id_number not in raw_id
    assert "13812345678" not in raw_phone
    assert person.phone == "13812345678"


def test_a_person_is_found_by_blind_index_of_the_id_number(city):
    from kaohe.core.crypto import provider

    index = provider().blind_index(city.li_si.id_number.lower(), context="org.civilservant.id_number")

    assert CivilServant.objects.get(id_number_index=index) == city.li_si


@pytest.mark.parametrize(
    ("_case", "value", "message"),
    [
        ("too short", "36010219900517123", "17 digits"),
        ("letters", "36010219900517ABCD", "17 digits"),
        ("impossible date", "36010219901332123X", "not a real date"),
        ("bad check digit", "36010219900517123" + ("1" if check_char("36010219900517123") != "1" else "2"),
         "check digit"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(city, _case, value, message):
    count = CivilServant.objects.count()

    with pytest.raises(ApplicationError, match=message):
        person_create(actor=None, unit=city.bureau_a, staff_no="X1", name="周九", gender="M",
                      birth_date=dt.date(1990, 5, 17), id_number=value, hire_date=dt.date(2015, 7, 1),
                      post_level="clerk_1")

    assert CivilServant.objects.count() == count


def test_duplicate_id_number_is_refused(city):
    with pytest.raises(ApplicationError, match="already exists"):
        person_create(actor=None, unit=city.bureau_a, staff_no="X2", name="周九", gender="M",
                      birth_date=dt.date(1990, 5, 17), id_number=city.zhang_san.id_number,
                      hire_date=dt.date(2015, 7, 1), post_level="clerk_1")


def test_transfer_closes_the_old_posting_and_keeps_the_history(city):
    person_transfer(actor=None, person=city.zhang_san, unit=city.bureau_b, on=dt.date(2026, 3, 1))

    postings = list(Posting.objects.filter(person=city.zhang_san).order_by("start_date"))
    assert [(p.unit_id, p.start_date, p.end_date) for p in postings] == [
        (city.bureau_a.pk, dt.date(2015, 7, 1), dt.date(2026, 2, 28)),
        (city.bureau_b.pk, dt.date(2026, 3, 1), None),
    ]
    assert CivilServant.objects.get(pk=city.zhang_san.pk).unit == city.bureau_b
    assert AuditEvent.objects.filter(action="org.person.transfer", object_id=str(city.zhang_san.pk)).count() == 1


def test_office_of_another_county_cannot_transfer_a_person(city):
    office_b = factories.user("office-b", role=Role.APPRAISAL_OFFICE, scope=city.county_b)

    with pytest.raises(PermissionDeniedError):
        person_transfer(actor=office_b, person=city.zhang_san, unit=city.bureau_b, on=dt.date(2026, 3, 1))

    assert CivilServant.objects.get(pk=city.zhang_san.pk).unit == city.bureau_a


@pytest.mark.parametrize(("name", "full", "initials"), [("张三", "zhangsan", "zs"), ("欧阳娜娜", "ouyangnana", "oynn")])
def test_pinyin_keys(name, full, initials):
    assert pinyin_keys(name) == (full, initials)
