"""Fixtures of the analysis tests: the small scored city of the appraisal tests, with roll-ups."""

import pytest

from kaohe.analytics.rollups import rollups_refresh
from tests.appraisal.conftest import scored  # noqa: F401


@pytest.fixture
def rolled(scored):  # noqa: F811
    """The scored city with its roll-ups refreshed (as the scoring run will do)."""
    rollups_refresh(scored.run)
    return scored
