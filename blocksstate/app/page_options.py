"""The page options of an app: ``theme``, ``css``, ``css_paths``, ``head``, ``head_paths``, ``title``,
``fill_height``, ``fill_width``.

Gradio 6 takes them in ``launch()``; earlier versions in ``Blocks()``: blocksstate takes
them in both (``launch``'s win) and applies them to every page that shows the app.
``js`` is the events' business (``app/events.py``), not this module's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..themes import theme_named

if TYPE_CHECKING:
    from .blocks import Blocks

PAGE_OPTIONS = (
    "theme",
    "css",
    "css_paths",
    "head",
    "head_paths",
    "title",
    "fill_height",
    "fill_width",
)


def _paths(value: str | Path | Sequence[str | Path] | None, option: str) -> list[Path]:
    if value is None:
        return []
    items = [value] if isinstance(value, (str, Path)) else list(value)
    paths = []
    for item in items:
        path = Path(item)
        if not path.is_file():
            raise FileNotFoundError(f"{option}: no file at {str(path)!r}")
        paths.append(path)
    return paths


def _text(value: Any, option: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{option} must be a string, got {type(value).__name__}")


def apply_page_options(blocks: Blocks, **options: Any) -> None:
    """Set the page options given (and only those) on ``blocks``, checked and read.

    ``css_paths`` and ``head_paths`` are read now, and added after ``css`` and ``head``,
    as Gradio does; ``theme`` may be a theme, a theme class or a built-in theme's name.
    """
    unknown = set(options) - set(PAGE_OPTIONS)
    if unknown:
        raise TypeError(f"not page options: {', '.join(sorted(unknown))}")
    if "theme" in options:
        blocks.theme = theme_named(options["theme"])
    if "title" in options and options["title"] is not None:
        blocks.title = str(options["title"])
    for option in ("fill_height", "fill_width"):
        if option in options:
            if not isinstance(options[option], bool):
                raise TypeError(f"{option} must be True or False, got {options[option]!r}")
            setattr(blocks, option, options[option])
    for text_option, paths_option in (("css", "css_paths"), ("head", "head_paths")):
        if text_option not in options and paths_option not in options:
            continue
        base = (
            _text(options[text_option], text_option)
            if text_option in options
            else getattr(blocks, text_option)
        )
        files = [
            p.read_text(encoding="utf-8") for p in _paths(options.get(paths_option), paths_option)
        ]
        setattr(blocks, text_option, "\n".join(part for part in (base, *files) if part) or None)
