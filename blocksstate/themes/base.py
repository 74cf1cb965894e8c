"""``gr.themes.Base``: a theme's hues, sizes, fonts and Gradio's CSS variables, and ``.set``.

A theme is a table of Gradio's variables (``button_primary_background_fill``,
``body_background_fill``...), each with a light value and, for some, a ``*_dark`` one.
A value may name another variable with ``*``: ``"*primary_500"``. ``themes/css.py``
turns the table into the page's CSS; the built-in themes (``builtin.py``) are presets
of this class: their hues, sizes, fonts and the variables they set differently.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from . import colors, fonts, sizes
from .colors import Color
from .fonts import Font, FontSpec
from .sizes import Size

DATA = Path(__file__).with_name("data")
# A reference to another variable inside a value: ``*primary_500``.
REFERENCE = re.compile(r"\*([A-Za-z_][A-Za-z0-9_]*)")
# What a value may not contain: it is written into a <style> element.
UNSAFE_VALUE = re.compile(r"[{};<>\\]")


@cache
def preset(name: str) -> dict[str, Any]:
    """Return a theme preset of ``data/`` (Base's variables, or a built-in theme's choices)."""
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def settable_names() -> tuple[str, ...]:
    """Gradio's ``Theme.set`` names, light then ``_dark``, in Gradio's order."""
    names = list(preset("base")["variables"])
    return tuple(name for base in names for name in (base, f"{base}_dark"))


def core_names() -> tuple[str, ...]:
    """The variables a theme's constructor sets: hue shades, sizes and the two font stacks."""
    hues = [f"{h}_{shade}" for h in ("primary", "secondary", "neutral") for shade in colors.SHADES]
    scales = [f"{kind}_{step}" for kind in ("spacing", "radius", "text") for step in sizes.STEPS]
    return (*hues, *scales, "font", "font_mono")


class Base:
    """A theme: ``primary_hue``, ``neutral_hue``... and ``.set(**variables)``; CSS variables on the page."""

    #: The preset in ``data/`` whose hues, sizes, fonts and variables this theme starts from.
    preset_name: ClassVar[str | None] = None
    _defaults: ClassVar[dict[str, Any]] = {
        "primary_hue": "blue",
        "secondary_hue": "blue",
        "neutral_hue": "zinc",
        "text_size": "md",
        "spacing_size": "md",
        "radius_size": "md",
        "font": [{"local": "IBM Plex Sans"}, "ui-sans-serif", "system-ui", "sans-serif"],
        "font_mono": [{"local": "IBM Plex Mono"}, "ui-monospace", "Consolas", "monospace"],
    }

    def __init__(
        self,
        *,
        primary_hue: Color | str | None = None,
        secondary_hue: Color | str | None = None,
        neutral_hue: Color | str | None = None,
        text_size: Size | str | None = None,
        spacing_size: Size | str | None = None,
        radius_size: Size | str | None = None,
        font: FontSpec | None = None,
        font_mono: FontSpec | None = None,
    ) -> None:
        own = preset(self.preset_name) if self.preset_name else self._defaults
        self.name = self.preset_name or "base"
        self._values: dict[str, str | None] = {}
        for option, given in (
            ("primary_hue", primary_hue),
            ("secondary_hue", secondary_hue),
            ("neutral_hue", neutral_hue),
        ):
            color = colors.hue(given if given is not None else own[option], option)
            prefix = option.removesuffix("_hue")
            for shade, value in zip(colors.SHADES, color.expand(), strict=True):
                self._values[f"{prefix}_{shade}"] = value
        for option, given in (
            ("spacing_size", spacing_size),
            ("radius_size", radius_size),
            ("text_size", text_size),
        ):
            kind = option.removesuffix("_size")
            size = sizes.scale(given if given is not None else own[option], kind, option)
            for step, value in zip(sizes.STEPS, size.expand(), strict=True):
                self._values[f"{kind}_{step}"] = value
        self.fonts = fonts.font_stack(font if font is not None else _fonts(own["font"]), "font")
        self.fonts_mono = fonts.font_stack(
            font_mono if font_mono is not None else _fonts(own["font_mono"]), "font_mono"
        )
        self._values["font"] = fonts.family(self.fonts)
        self._values["font_mono"] = fonts.family(self.fonts_mono)
        for name, (light, dark) in preset("base")["variables"].items():
            self._values[name] = light
            self._values[f"{name}_dark"] = dark
        if self.preset_name:
            self._set({n: v for base, pair in own["set"].items() for n, v in _pair(base, pair)})

    # -- variables -------------------------------------------------------------------------

    def set(self, **variables: str | None) -> Base:
        """Set Gradio's theme variables (``button_primary_background_fill="*primary_600"``); return the theme.

        A value may reference another variable with ``*``; ``None`` leaves a variable as it is.
        """
        allowed = set(settable_names())
        for name in variables:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise TypeError(
                    f"Theme.set() got an unknown variable {name!r}{hint} "
                    "(docs/themes.md lists Gradio's variables)"
                )
        self._set({name: value for name, value in variables.items() if value is not None})
        return self

    def _set(self, variables: dict[str, str | None]) -> None:
        for name, value in variables.items():
            if value is not None:
                # A trailing ";" (as some of Gradio's own values have) would end the declaration.
                value = str(value).strip().rstrip(";").strip()
                self._check_value(name, value)
            self._values[name] = value
        self.__dict__.pop("_css_cache", None)

    def _check_value(self, name: str, value: str) -> None:
        if UNSAFE_VALUE.search(value):
            raise ValueError(
                f"theme variable {name}={value!r}: a value may not contain {{ }} ; < > or \\"
            )
        for match in REFERENCE.finditer(value):
            target = match.group(1)
            if target.endswith("_dark"):
                raise ValueError(
                    f"theme variable {name}={value!r}: reference {target[:-5]!r}, not its _dark "
                    "variant (a dark value's references are read in dark mode already)"
                )
            if target not in self._values:
                close = difflib.get_close_matches(target, list(self._values), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise ValueError(
                    f"theme variable {name}={value!r}: no variable named {target!r}{hint}"
                )

    def variable_names(self) -> list[str]:
        """Every variable of the theme (no ``_dark`` names), in the order the CSS lists them."""
        return [name for name in self._values if not name.endswith("_dark")]

    def has_own_dark(self, name: str) -> bool:
        """Whether a variable has a dark value of its own (else dark mode uses the light one)."""
        return self._values.get(f"{name}_dark") is not None

    def raw(self, name: str, dark: bool = False) -> str:
        """Return a variable's value as set (references unresolved); dark falls back to light."""
        if dark and self._values.get(f"{name}_dark") is not None:
            return self._values[f"{name}_dark"]  # type: ignore[return-value]
        value = self._values[name]
        if value is None:
            raise ValueError(f"theme variable {name!r} has no value (only _dark ones may be None)")
        return value

    def resolve(self, name: str, dark: bool = False, _seen: tuple[str, ...] = ()) -> str:
        """Return a variable's value with every ``*reference`` replaced by its value."""
        if name in _seen:
            raise ValueError(
                f"theme variables refer to each other in a circle: {' -> '.join((*_seen, name))}"
            )
        if name not in self._values:
            raise KeyError(name)
        return REFERENCE.sub(
            lambda m: self.resolve(m.group(1), dark, (*_seen, name)), self.raw(name, dark)
        )

    def to_dict(self) -> dict[str, dict[str, str | None]]:
        """Return the theme's variables as Gradio's ``to_dict`` does: ``{"theme": {name: value}}``."""
        return {"theme": dict(self._values)}

    @classmethod
    def from_hub(cls, repo_name: str, token: str | None = None) -> Base:
        """Refuse: blocksstate does not download themes (build one with ``Base(...).set(...)``)."""
        raise NotImplementedError(
            f"theme {repo_name!r}: blocksstate does not download themes from the Hugging Face "
            "Hub; build it with gr.themes.Base(...).set(...)"
        )

    def push_to_hub(self, *args: Any, **kwargs: Any) -> None:
        """Refuse: blocksstate does not upload themes."""
        raise NotImplementedError("blocksstate does not upload themes to the Hugging Face Hub")

    def __getattr__(self, name: str) -> str | None:
        # theme.primary_500, theme.button_primary_background_fill_dark, as in Gradio.
        values = self.__dict__.get("_values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or theme variable {name!r}")

    def __repr__(self) -> str:
        return f"<theme {self.name}>"


def _fonts(spec: list[Any]) -> list[Font | str]:
    stack: list[Font | str] = []
    for item in spec:
        if isinstance(item, str):
            stack.append(item)
        elif "google" in item:
            stack.append(fonts.GoogleFont(item["google"], item.get("weights", (400, 600))))
        elif "local" in item:
            stack.append(fonts.LocalFont(item["local"], item.get("weights", (400, 600))))
        else:
            stack.append(fonts.Font(item["font"]))
    return stack


def _pair(name: str, pair: list[str | None]) -> list[tuple[str, str | None]]:
    light, dark = pair
    return [(name, light), (f"{name}_dark", dark)]
