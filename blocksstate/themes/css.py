"""The one place a theme becomes CSS: its variables for light and dark mode, on one app.

Every rule is wrapped in ``:where()`` (no specificity): the theme's ``<style>`` comes after
blocksstate's stylesheet, so it wins over the stylesheet's defaults, and any rule of a
site's own stylesheet wins over the theme. Dark mode applies when the visitor prefers it
(``prefers-color-scheme: dark``) unless a ``.light`` class is on the app or an ancestor,
and always under a ``.dark`` class (``?__theme=dark`` puts it on the app, as in Gradio).
"""

from __future__ import annotations

import warnings

from ..warnings import FontNotLoaded
from .base import REFERENCE, Base
from .fonts import GoogleFont
from .variables import PAGE_VARIABLES

# Theme names already warned about their Google fonts, by id of the theme (warn once).
_warned_fonts: set[int] = set()


def css_value(value: str) -> str:
    """Return a theme value as CSS: ``*primary_500`` becomes ``var(--primary-500)``."""
    return REFERENCE.sub(lambda m: f"var(--{m.group(1).replace('_', '-')})", value)


def declarations(theme: Base, dark: bool) -> list[str]:
    """Return the ``--name: value`` lines of the theme's variables: all, or the dark ones.

    A variable without a dark value keeps its light declaration in dark mode: its
    references are read on the same element, so they follow the dark values they name.
    """
    lines = [f"color-scheme: {'dark' if dark else 'light'};"]
    for name in theme.variable_names():
        if dark and (not theme.has_own_dark(name) or theme.raw(name, True) == theme.raw(name)):
            continue
        lines.append(f"--{name.replace('_', '-')}: {css_value(theme.raw(name, dark))};")
    return lines


def page_declarations() -> list[str]:
    """Return the lines that set the page's ``--bs-*`` variables from the theme's."""
    return [f"{v.css_name}: {css_value(v.theme)};" for v in PAGE_VARIABLES if v.theme]


def _rule(selector: str, lines: list[str]) -> str:
    return f"{selector} {{" + "".join(lines) + "}"


def theme_css(theme: Base, element: str) -> str:
    """Return the CSS that applies ``theme`` to ``element`` (a selector naming one element)."""
    light = _rule(f":where({element})", declarations(theme, False) + page_declarations())
    dark_lines = declarations(theme, True)
    auto_dark = _rule(f":where({element}:not(.light, .light *))", dark_lines)
    forced_dark = _rule(f":where({element}.dark, .dark {element})", dark_lines)
    return (
        f"{light}\n@media (prefers-color-scheme: dark) {{\n{auto_dark}\n}}\n{forced_dark}\n"
        # The theme's background is the app's: a little room inside it, as Gradio's app has.
        f":where({element}) {{ background: var(--bs-bg); color: var(--bs-fg);"
        " padding: var(--bs-space-md); border-radius: var(--bs-radius); }"
    )


def font_links(theme: Base, allow_google: bool) -> list[str]:
    """Return the stylesheet URLs the theme's fonts need; warn once if Google fonts are not loaded."""
    urls = [
        url
        for font in (*theme.fonts, *theme.fonts_mono)
        if (url := font.stylesheet_url(allow_google))
    ]
    google = [f.name for f in (*theme.fonts, *theme.fonts_mono) if isinstance(f, GoogleFont)]
    if google and not allow_google and id(theme) not in _warned_fonts:
        _warned_fonts.add(id(theme))
        warnings.warn(
            f"theme {theme.name!r}: Google fonts {', '.join(google)} are not loaded from Google "
            "(set BLOCKSSTATE['GOOGLE_FONTS'] = True to link them); visitors who do not have "
            "them installed see the fallback fonts",
            FontNotLoaded,
            stacklevel=2,
        )
    return list(dict.fromkeys(urls))
