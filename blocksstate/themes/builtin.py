"""Gradio's built-in themes, each a preset of ``Base`` (``data/<name>.json``), and themes by name."""

from __future__ import annotations

from typing import Any

from .base import Base


class Default(Base):
    """Gradio's default theme: orange primary, blue secondary, gray neutral."""

    preset_name = "default"


class Soft(Base):
    """Gradio's Soft theme: indigo, rounded, soft shadows."""

    preset_name = "soft"


class Monochrome(Base):
    """Gradio's Monochrome theme: black, white and grays, a serif font."""

    preset_name = "monochrome"


class Glass(Base):
    """Gradio's Glass theme: stone hues, gradients and translucent fills."""

    preset_name = "glass"


class Origin(Base):
    """Gradio's Origin theme: the look of Gradio 4."""

    preset_name = "origin"


class Citrus(Base):
    """Gradio's Citrus theme: amber, with raised buttons."""

    preset_name = "citrus"


class Ocean(Base):
    """Gradio's Ocean theme: emerald to blue gradients."""

    preset_name = "ocean"


class Ember(Base):
    """Gradio's Ember theme: orange on warm grays."""

    preset_name = "ember"


class Cyberpunk(Base):
    """Gradio's Cyberpunk theme: neon on dark."""

    preset_name = "cyberpunk"


class Neon(Base):
    """Gradio's Neon theme: glowing accents."""

    preset_name = "neon"


class Mario(Base):
    """Gradio's Mario theme: a pixel font and bright blocks."""

    preset_name = "mario"


BUILTIN: dict[str, type[Base]] = {
    cls.__name__.lower(): cls
    for cls in (
        Base,
        Default,
        Soft,
        Monochrome,
        Glass,
        Origin,
        Citrus,
        Ocean,
        Ember,
        Cyberpunk,
        Neon,
        Mario,
    )
}


def theme_named(value: Any, option: str = "theme") -> Base | None:
    """Return ``value`` as a theme: None, a theme, a theme class, or a built-in theme's name.

    ``"soft"`` and ``"gradio/soft"`` name built-in themes, as in Gradio. A Hugging Face Hub
    theme (``"owner/name"``) is not downloaded: it is refused with the list of names.
    """
    if value is None or isinstance(value, Base):
        return value
    if isinstance(value, type) and issubclass(value, Base):
        return value()
    if isinstance(value, str):
        key = value.strip().lower().removeprefix("gradio/")
        if key in BUILTIN:
            return BUILTIN[key]()
        raise ValueError(
            f"{option}={value!r}: not a built-in theme ({', '.join(BUILTIN)}); blocksstate does "
            "not download themes from the Hugging Face Hub: build it with gr.themes.Base(...).set(...)"
        )
    raise TypeError(f"{option} must be a gr.themes theme or a theme's name, got {value!r}")
