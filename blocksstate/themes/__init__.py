"""``gr.themes``: Gradio's themes, hues, sizes and fonts, applied through the page's CSS variables."""

from . import colors, fonts, sizes, utils
from .base import Base
from .builtin import (
    BUILTIN,
    Citrus,
    Cyberpunk,
    Default,
    Ember,
    Glass,
    Mario,
    Monochrome,
    Neon,
    Ocean,
    Origin,
    Soft,
    theme_named,
)
from .colors import Color
from .fonts import Font, GoogleFont, LocalFont
from .sizes import Size

# Gradio's names for the theme class.
ThemeClass = Base
Theme = Base

__all__ = [
    "BUILTIN",
    "Base",
    "Citrus",
    "Color",
    "Cyberpunk",
    "Default",
    "Ember",
    "Font",
    "Glass",
    "GoogleFont",
    "LocalFont",
    "Mario",
    "Monochrome",
    "Neon",
    "Ocean",
    "Origin",
    "Size",
    "Soft",
    "Theme",
    "ThemeClass",
    "colors",
    "fonts",
    "sizes",
    "theme_named",
    "utils",
]
