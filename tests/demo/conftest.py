"""Fixtures of the demo tests."""

import pytest

from kaohe.hotline import directory


@pytest.fixture(autouse=True)
def _fresh_hotline_classifier():
    """Each test loads its own city under the same ids (the test database rolls back), so the hotline
    classifier cached per process — known by counts, highest ids and audit sequence numbers, all reused
    here — would keep the previous city's names: start every test without it."""
    directory._cache.clear()
    yield
    directory._cache.clear()
