"""How big and how many files an upload may hold: a component's, its app's, or the site's limit."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext, ngettext

from ..conf import setting

# Gradio's units: multiples of 1024.
UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3, "tb": 1024**4}
SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?b)?\s*$", re.IGNORECASE)


def parse_size(size: int | float | str | None, name: str = "max_file_size") -> int | None:
    """Bytes from ``5_000_000``, ``"5mb"``, ``"1.5 GB"`` or ``"300kb"`` (None stays None)."""
    if size is None:
        return None
    if isinstance(size, bool):
        raise TypeError(f"{name} must be a number of bytes or a size like '5mb', not {size!r}")
    if isinstance(size, int | float):
        if size <= 0:
            raise ValueError(f"{name} must be positive, not {size!r}")
        return int(size)
    if isinstance(size, str):
        match = SIZE.match(size)
        if match:
            number, unit = float(match.group(1)), (match.group(2) or "b").lower()
            if number > 0:
                return int(number * UNITS[unit])
    raise ValueError(
        f"{name} must be a number of bytes or a size like '5mb' or '1 gb', not {size!r}"
    )


def max_file_size(component: Any, blocks: Any) -> int:
    """The largest file ``component`` takes: its own limit, else its app's, else the site's."""
    for limit in (
        getattr(component, "max_file_size", None),
        getattr(blocks, "max_file_size", None),
    ):
        if limit is not None:
            return parse_size(limit) or 0
    return int(setting("MAX_FILE_SIZE"))


def max_file_count(component: Any) -> int:
    """The most files one upload to ``component`` may hold."""
    if getattr(component, "file_count", "single") in ("multiple", "directory"):
        return int(setting("MAX_UPLOAD_FILES"))
    return 1


def describe_size(size: int) -> str:
    """A size as a visitor reads it ("5 MB"), in the active language."""
    units = {
        "TB": gettext("%(size)s TB"),
        "GB": gettext("%(size)s GB"),
        "MB": gettext("%(size)s MB"),
        "KB": gettext("%(size)s KB"),
    }
    for unit, text in units.items():
        scale = UNITS[unit.lower()]
        if size >= scale:
            return text % {"size": f"{size / scale:.3g}"}
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": size}
