"""Objects loaded at start are frozen out of garbage collection, once, before any page."""

from __future__ import annotations

import gc

import pytest

from blocksstate import startup
from blocksstate.connection import Connection
from tests.helpers_session import blocksstate_settings
from tests.helpers_ws import page


@pytest.fixture
def unfrozen(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(startup, "_frozen", False)
    yield
    gc.unfreeze()


def connections() -> int:
    gc.collect()
    return sum(type(obj) is Connection for obj in gc.get_objects())


async def test_the_freeze_runs_once_and_closed_pages_leave_nothing_behind(unfrozen):
    assert startup.freeze_loaded_objects()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django, Channels and the apps, at least
    assert not startup.freeze_loaded_objects()  # once per process
    assert gc.get_freeze_count() <= frozen

    before = connections()
    for _ in range(3):
        async with page("counter") as client:
            await client.click("Increment")
    assert connections() <= before


def test_freezing_can_be_turned_off(unfrozen, settings):
    blocksstate_settings(settings, FREEZE_GC=False)
    assert not startup.freeze_loaded_objects()
    assert gc.get_freeze_count() == 0


def test_django_froze_what_it_loaded_at_start():
    assert startup._frozen
