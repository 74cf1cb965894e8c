"""The warnings blocksstate gives an app's developer (filter them by their category)."""

from __future__ import annotations

import warnings

_warned: set[tuple[str, str]] = set()


class UnsupportedOption(UserWarning):
    """A Gradio option that blocksstate accepts, so the app runs, but does not implement."""


def warn_unsupported(
    owner: str, names: list[str], stacklevel: int = 3, what: str = "it has no effect"
) -> None:
    """Warn, once per ``owner`` and option, that the options ``names`` are not implemented
    (``what`` says what happens instead)."""
    fresh = [name for name in names if (owner, name) not in _warned]
    if not fresh:
        return
    _warned.update((owner, name) for name in fresh)
    listed = ", ".join(repr(name) for name in fresh)
    warnings.warn(
        f"{owner}: {listed} accepted but not implemented by blocksstate; {what}",
        UnsupportedOption,
        stacklevel=stacklevel,
    )


class FontNotLoaded(UserWarning):
    """A theme's Google font is not linked (``BLOCKSSTATE["GOOGLE_FONTS"]`` is off): fallbacks show."""
