"""The file tests' fixture, loaded with ``pytest_plugins = ["tests.helpers_files_fixtures"]``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import caches


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A MEDIA_ROOT of this test's own, and an empty session cache."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BLOCKSSTATE = {"RECORD_SESSIONS": False}
    caches["default"].clear()
    return tmp_path / "media"
