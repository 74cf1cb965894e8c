"""At start: the collector's thresholds are set, and the objects loaded so far are frozen out of
garbage collection, once, before any page."""

from __future__ import annotations

import gc
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from blocksstate import gc_setup
from blocksstate.testing import PageClient
from blocksstate.transport.connection import Connection
from tests.helpers_session import blocksstate_settings


@pytest.fixture
def unfrozen(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(gc_setup, "_frozen", False)
    yield
    gc.unfreeze()


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def connections() -> int:
    gc.collect()
    return sum(type(obj) is Connection for obj in gc.get_objects())


async def test_the_freeze_runs_once_and_closed_pages_leave_nothing_behind(unfrozen):
    assert gc_setup.configure_gc()
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django, Channels and the apps, at least
    assert not gc_setup.configure_gc()  # once per process
    assert gc.get_freeze_count() <= frozen

    before = connections()
    for _ in range(3):
        async with PageClient("counter") as client:
            await client.click("Increment")
    assert connections() <= before


def test_freezing_can_be_turned_off(unfrozen, settings):
    blocksstate_settings(settings, FREEZE_GC=False)
    assert not gc_setup.configure_gc()
    assert gc.get_freeze_count() == 0


def test_django_froze_what_it_loaded_at_start():
    assert gc_setup._frozen


def test_django_set_a_first_generation_of_50000_at_start():
    assert gc.get_threshold() == (50_000, 10, 10)


def test_the_threshold_setting_is_applied_or_left_to_python(thresholds, settings):
    blocksstate_settings(settings, GC_THRESHOLD=(1234, 5, 6))
    gc_setup.configure_gc()
    assert gc.get_threshold() == (1234, 5, 6)

    gc.set_threshold(700, 10, 10)
    blocksstate_settings(settings, GC_THRESHOLD=None)
    gc_setup.configure_gc()
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize("bad", [50_000, (0, 10, 10), (1, 2, 3, 4), ("700",), (True,), ()])
def test_a_bad_threshold_is_a_clear_error_and_changes_nothing(thresholds, settings, bad):
    blocksstate_settings(settings, GC_THRESHOLD=bad)
    before = gc.get_threshold()
    with pytest.raises(ImproperlyConfigured, match="GC_THRESHOLD"):
        gc_setup.configure_gc()
    assert gc.get_threshold() == before


def test_what_the_first_event_imports_is_imported_before_the_freeze(unfrozen, settings):
    # The store's module (and with Redis its client's) and the channel layer's, so the
    # freeze takes them; a setting that does not import is left for the checks to report.
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "blocksstate.layers.InMemoryChannelLayer"},
        "broken": {"BACKEND": "no.such.Layer"},
    }
    assert gc_setup.configure_gc()
    assert "blocksstate.sessions.backends.locmem" in sys.modules
    assert "blocksstate.layers" in sys.modules
