"""The 9-box grid and the talent pool from the supervisors' quarterly 业绩/潜力 ratings."""

import pytest

from kaohe.accounts.roles import Role
from kaohe.appraisal import quarterly, talent
from kaohe.core.errors import PermissionDeniedError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(city):
    boss = factories.user("boss", role=Role.SUPERVISOR, scope=city.county_a)
    grades = {city.zhang_san: [(3, 3), (3, 2)], city.li_si: [(1, 1), (1, 2)], city.sun_ba: [(2, 3), (2, 3)]}
    for person, ratings in grades.items():
        for quarter, (performance, potential) in enumerate(ratings, start=1):
            quarterly.quarter_grade(actor=boss, person=person, year=2026, quarter=quarter, grade=2,
                                    performance=performance, potential=potential)
    return boss


def test_people_land_in_the_box_of_their_mean_ratings_and_the_pool_takes_high_potential(city, rated):
    found = talent.placements(rated, city.bureau_a, 2026)
    boxes = {p.name: p.box for p in found}
    assert boxes == {"张三": (3, 3), "李四": (1, 2), "孙八": (2, 3)}  # 李四's potential 1.5 rounds to medium
    assert [p.name for p in talent.pool(found)] == ["孙八", "张三"]  # potential 3.0 before 2.5
    top_row = talent.grid(found)[0]
    assert [[p.name for p in people] for _box, _name, people in top_row] == [[], ["孙八"], ["张三"]]


def test_only_leaders_over_the_unit_see_its_grid(city, rated):
    outsider = factories.user("other", role=Role.SUPERVISOR, scope=city.county_b)
    with pytest.raises(PermissionDeniedError):
        talent.placements(outsider, city.bureau_a, 2026)


def test_the_grid_page_links_each_name_to_the_persons_year(city, rated, client):
    client.force_login(rated)
    page = client.get(f"/appraisal/units/{city.bureau_a.pk}/talent/?year=2026").content.decode()
    assert f"/people/{city.zhang_san.pk}/year/2026/" in page
    assert "明星" in page  # the box names, in the page language
