"""Test data built through the services, so tests see what users would (paths, pinyin, audit)."""

import datetime as dt
import itertools
from dataclasses import dataclass

from kaohe.accounts.models import User
from kaohe.accounts.roles import Role
from kaohe.accounts.services import role_assign, user_create
from kaohe.org.choices import Gender, Level, PostLevel, UnitCategory
from kaohe.org.idcard import check_char
from kaohe.org.models import CivilServant, Unit
from kaohe.org.services import department_create, person_create, position_create, unit_create

PASSWORD = "Correct-Horse-2026"
_counter = itertools.count(1)


def id_number(birth: dt.date = dt.date(1990, 5, 17), region: str = "360102") -> str:
    first17 = f"{region}{birth:%Y%m%d}{next(_counter) % 1000:03d}"
    return first17 + check_char(first17)


def unit(name: str, parent: Unit | None = None, level: str = Level.COUNTY,
         category: str = UnitCategory.SERVICE) -> Unit:
    return unit_create(actor=None, code=f"U{next(_counter):05d}", name=name, level=level, category=category,
                       parent=parent)


def person(name: str, unit: Unit, *, birth: dt.date = dt.date(1990, 5, 17), leading: bool = False,
           hire: dt.date = dt.date(2015, 7, 1), gender: str = Gender.MALE) -> CivilServant:
    department = unit.departments.first() or department_create(actor=None, unit=unit, name="办公室")
    position = position_create(actor=None, department=department, name="负责人" if leading else "科员",
                               is_leading=leading)
    return person_create(actor=None, unit=unit, staff_no=f"S{next(_counter):06d}", name=name, gender=gender,
                         birth_date=birth, id_number=id_number(birth), hire_date=hire,
                         post_level=PostLevel.PRINCIPAL_4, department=department, position=position,
                         phone="13812345678")


def user(username: str, role: str | None = None, scope: Unit | None = None,
         person: CivilServant | None = None) -> User:
    account = user_create(actor=None, username=username, password=PASSWORD, person=person)
    if person is not None:
        role_assign(actor=None, user=account, role=Role.CIVIL_SERVANT)
    if role is not None and role != Role.CIVIL_SERVANT:
        role_assign(actor=None, user=account, role=role, scope_unit=scope)
    return account


@dataclass
class SmallCity:
    """市 → two counties. County A: a bureau with a station under it, and a township beside it."""

    city: Unit
    county_a: Unit
    bureau_a: Unit
    station_a: Unit
    township_a: Unit
    county_b: Unit
    bureau_b: Unit
    zhang_san: CivilServant
    li_si: CivilServant
    sun_ba: CivilServant
    wang_wu: CivilServant
    zhao_liu: CivilServant
    chen_qi: CivilServant


def small_city() -> SmallCity:
    city = unit("江州市", level=Level.CITY, category=UnitCategory.GENERAL)
    county_a = unit("临江区", city, category=UnitCategory.GENERAL)
    bureau_a = unit("临江区民政局", county_a)
    station_a = unit("临江区社会救助站", bureau_a)
    township_a = unit("临江区城关街道", county_a, level=Level.TOWNSHIP, category=UnitCategory.TOWNSHIP_URBAN)
    county_b = unit("青阳县", city, category=UnitCategory.GENERAL)
    bureau_b = unit("青阳县民政局", county_b)
    return SmallCity(
        city=city, county_a=county_a, bureau_a=bureau_a, station_a=station_a, township_a=township_a, county_b=county_b,
        bureau_b=bureau_b,
        zhang_san=person("张三", bureau_a),
        li_si=person("李四", bureau_a),
        sun_ba=person("孙八", station_a),
        wang_wu=person("王五", township_a, gender=Gender.FEMALE),
        zhao_liu=person("赵六", county_a),
        chen_qi=person("陈七", bureau_b),
    )
