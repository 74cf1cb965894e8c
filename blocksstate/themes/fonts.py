"""Theme fonts: ``Font`` (a family the visitor's system or the site provides), ``GoogleFont``, ``LocalFont``.

A ``GoogleFont`` is not fetched from Google unless the setting ``BLOCKSSTATE["GOOGLE_FONTS"]``
is true (a page that loads fonts from Google tells Google who visits it): by default its
name stays first in the family list, so a visitor who has the font installed sees it and
the others see the fallbacks, and the theme says so in one warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote_plus

GENERIC_FAMILIES = frozenset(
    {"sans-serif", "serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif",
     "ui-serif", "ui-monospace", "ui-rounded", "math", "emoji", "fangsong"}
)  # fmt: skip


class Font:
    """A font family by name: used if the visitor's system or the site's own CSS provides it."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a font needs a family name, got {name!r}")
        if any(c in name for c in "'\";{}<>\\"):
            raise ValueError(f"font name {name!r} has characters a CSS family name cannot have")
        self.name = name

    def __str__(self) -> str:
        return self.name if self.name in GENERIC_FAMILIES else f"'{self.name}'"

    def stylesheet_url(self, allow_google: bool) -> str | None:
        """Return the URL of a stylesheet that loads the font, or None."""
        return None

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), self.name))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class GoogleFont(Font):
    """A Google Fonts family: linked only when ``BLOCKSSTATE["GOOGLE_FONTS"]`` allows it."""

    def __init__(self, name: str, weights: Iterable[int] = (400, 600)) -> None:
        super().__init__(name)
        self.weights = tuple(int(weight) for weight in weights)

    def stylesheet_url(self, allow_google: bool) -> str | None:
        if not allow_google:
            return None
        weights = ";".join(str(weight) for weight in sorted(set(self.weights)))
        return (
            f"https://fonts.googleapis.com/css2?family={quote_plus(self.name)}"
            f":wght@{weights}&display=swap"
        )


class LocalFont(Font):
    """A font the site serves itself (its own ``@font-face``) or the visitor has installed.

    Gradio ships a few font files and serves them; blocksstate ships none, so the name
    is put first in the family list and the fallbacks apply where it is missing.
    """

    def __init__(self, name: str, weights: Iterable[int] = (400, 600)) -> None:
        super().__init__(name)
        self.weights = tuple(int(weight) for weight in weights)


FontSpec = Font | str | Iterable[Font | str]


def font_stack(value: FontSpec, option: str) -> list[Font]:
    """Return ``value`` (a font, a name, or a list of them) as a list of Fonts."""
    items = [value] if isinstance(value, (Font, str)) else list(value)
    if not items:
        raise ValueError(f"{option}: give at least one font")
    stack = []
    for item in items:
        if isinstance(item, Font):
            stack.append(item)
        elif isinstance(item, str):
            stack.append(Font(item))
        else:
            raise TypeError(f"{option}: {item!r} is not a font name nor a gr.themes.Font")
    return stack


def family(stack: list[Font]) -> str:
    """Return the CSS ``font-family`` value of a stack."""
    return ", ".join(str(font) for font in stack)
