"""API of the organisation: units and people, scoped to the caller, keyset-paginated."""

import datetime as dt

from ninja import Field, Query, Router, Schema

from kaohe.accounts.http import AuthedRequest
from kaohe.core.masking import mask_id_number, mask_phone
from kaohe.core.pagination import keyset_page
from kaohe.org import selectors
from kaohe.org.models import CivilServant

router = Router(tags=["organisation"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    level: str
    category: str
    parent_id: int | None


class UnitPage(Schema):
    items: list[UnitOut]
    next_cursor: str


class PersonOut(Schema):
    id: int
    staff_no: str
    name: str
    gender: str
    unit_id: int
    unit_name: str
    department_id: int | None
    post_level: str
    status: str


class PersonDetailOut(PersonOut):
    birth_date: dt.date
    hire_date: dt.date
    probation_end: dt.date | None
    id_number_masked: str
    phone_masked: str
    position_id: int | None


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str


class PageQuery(Schema):
    cursor: str = ""
    limit: int = Field(50, ge=1, le=500)


class PeopleQuery(PageQuery):
    q: str = ""
    unit_id: int | None = None


@router.get("/units", response=UnitPage, summary="List the units in your scope")
def unit_list(request: AuthedRequest, page: Query[PageQuery]) -> dict[str, object]:
    rows, cursor = keyset_page(selectors.units_visible(request.user), order=["id"], cursor=page.cursor,
                               limit=page.limit)
    return {"items": rows, "next_cursor": cursor}


@router.get("/units/{unit_id}", response=UnitOut, summary="Read one unit")
def unit_read(request: AuthedRequest, unit_id: int) -> object:
    return selectors.unit_get(request.user, unit_id)


def _person_row(person: CivilServant) -> dict[str, object]:
    return {
        "id": person.pk, "staff_no": person.staff_no, "name": person.name, "gender": person.gender,
        "unit_id": person.unit_id, "unit_name": person.unit.name, "department_id": person.department_id,
        "post_level": person.post_level, "status": person.status,
    }


@router.get("/people", response=PersonPage, summary="List or search people in your scope")
def person_list(request: AuthedRequest, page: Query[PeopleQuery]) -> dict[str, object]:
    unit = selectors.unit_get(request.user, page.unit_id) if page.unit_id else None
    people = selectors.people_search(request.user, query=page.q, unit=unit)
    rows, cursor = keyset_page(people, order=["id"], cursor=page.cursor, limit=page.limit)
    return {"items": [_person_row(p) for p in rows], "next_cursor": cursor}


@router.get("/people/{person_id}", response=PersonDetailOut, summary="Read one person (personal data masked)")
def person_read(request: AuthedRequest, person_id: int) -> dict[str, object]:
    person = selectors.person_get(request.user, person_id)
    return {
        **_person_row(person),
        "birth_date": person.birth_date, "hire_date": person.hire_date, "probation_end": person.probation_end,
        "id_number_masked": mask_id_number(person.id_number), "phone_masked": mask_phone(person.phone or ""),
        "position_id": person.position_id,
    }
