"""A worker's first page freezes the objects loaded at start out of garbage collection."""

from __future__ import annotations

import gc

import pytest

from blocksstate import startup
from tests.helpers_session import blocksstate_settings
from tests.helpers_ws import page


@pytest.fixture
def unfrozen(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(startup, "_frozen", False)
    yield
    gc.unfreeze()


async def test_the_first_page_freezes_what_is_loaded_once(unfrozen):
    assert gc.get_freeze_count() == 0
    async with page("counter"):
        frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django, Channels and the apps, at least
    async with page("counter"):
        pass
    assert gc.get_freeze_count() <= frozen  # once per process (frozen objects may still be freed)


async def test_freezing_can_be_turned_off(unfrozen, settings):
    blocksstate_settings(settings, FREEZE_GC=False)
    async with page("counter"):
        pass
    assert gc.get_freeze_count() == 0
