"""The page's CSS variables: every colour, font, size, radius and spacing the package's CSS uses.

``blocksstate.css`` reads only these ``--bs-*`` variables (a test checks it), and declares
their defaults on ``.bs-app`` with zero specificity, so a site's stylesheet overrides any
of them with an ordinary rule. A theme sets each one from Gradio's variables: the
``theme`` column, in Gradio's notation (``*name`` is the variable ``name``).
docs/themes.md shows this table (a test keeps it in step).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageVariable:
    """One ``--bs-*`` variable: its default (light, dark), what a theme sets it from, its use."""

    name: str
    light: str
    dark: str | None
    theme: str | None
    use: str

    @property
    def css_name(self) -> str:
        return f"--bs-{self.name}"


V = PageVariable

PAGE_VARIABLES: tuple[PageVariable, ...] = (
    # fonts and text sizes
    V("font", 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif', None, "*font", "text"),
    V("mono", "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", None, "*font_mono", "code, numbers"),
    V("text", "1rem", None, "*text_lg", "body text"),
    V("text-sm", "0.875rem", None, "*text_md", "labels, buttons of small size, tables"),
    V("text-xs", "0.8125rem", None, "*text_sm", "info lines, captions, counters"),
    V("text-lg", "1.25rem", None, "*text_xl", "large numbers, icons"),
    V("text-xl", "1.5rem", None, "*text_xxl", "a Label's top class"),
    # spacing and radii
    V("gap", "1rem", None, "*layout_gap", "between blocks of a layout"),
    V("space-xs", "0.25rem", None, "*spacing_sm", "tight padding and gaps"),
    V("space-sm", "0.5rem", None, "*spacing_lg", "small padding and gaps"),
    V("space-md", "0.75rem", None, "*spacing_xl", "a block's padding"),
    V("space-lg", "1rem", None, "*spacing_xxl", "roomy padding"),
    V("radius", "8px", None, "*radius_lg", "blocks, inputs, buttons"),
    V("radius-sm", "4px", None, "*radius_sm", "small controls, inline code"),
    # colours
    V("bg", "#ffffff", "#0f1115", "*body_background_fill", "the page and the app's background"),
    V("fg", "#1f2328", "#e6e8eb", "*body_text_color", "text"),
    V("muted", "#5b636e", "#9aa3ae", "*body_text_color_subdued", "secondary text"),
    V("surface", "#f7f8fa", "#171a21", "*background_fill_secondary", "panels, headers"),
    V("block-bg", "#f7f8fa", "#171a21", "*block_background_fill", "a block's background"),
    V("input-bg", "#ffffff", "#0f1115", "*input_background_fill", "inputs"),
    V("readonly-bg", "#f1f3f5", "#1d2129", "*background_fill_secondary", "read-only inputs"),
    V("border", "#d6dae0", "#2f3541", "*border_color_primary", "borders"),
    V("accent", "#ea580c", "#f97316", "*button_primary_background_fill", "primary buttons, selection"),
    V("accent-hover", "#c2410c", "#ea580c", "*button_primary_background_fill_hover", "primary buttons, hovered"),
    V("accent-fg", "#ffffff", "#111111", "*button_primary_text_color", "text on the accent"),
    V("accent-soft", "#fff1e8", "#3a2315", "*color_accent_soft", "selected rows, highlights"),
    V("secondary", "#eceef2", "#262b35", "*button_secondary_background_fill", "secondary buttons"),
    V("secondary-hover", "#e1e4ea", "#303643", "*button_secondary_background_fill_hover", "secondary buttons, hovered"),
    V("secondary-fg", "#1f2328", "#e6e8eb", "*button_secondary_text_color", "text on secondary buttons"),
    V("stop", "#dc2626", "#dc2626", "*button_cancel_background_fill", "stop buttons"),
    V("stop-fg", "#ffffff", "#ffffff", "*button_cancel_text_color", "text on stop buttons"),
    V("focus", "#2563eb", "#60a5fa", "*color_accent", "focus rings"),
    V("link", "#1d4ed8", "#93c5fd", "*link_text_color", "links"),
    V("code-bg", "#f1f3f5", "#1d2129", "*code_background_fill", "code"),
    V("error", "#dc2626", "#f87171", "*error_text_color", "errors"),
    V("warning", "#d97706", "#fbbf24", None, "warnings (Gradio has no variable for it)"),
    V("info", "#2563eb", "#60a5fa", None, "information (Gradio has no variable for it)"),
    V("media-bg", "#000000", "#000000", None, "behind video and the webcam"),
    V("skeleton", "rgb(127 127 127 / 0.12)", None, None, "the shimmer of a block that is loading"),
    V("panel", "rgb(127 127 127 / 0.08)", None, "*panel_background_fill", "a Sidebar's panel"),
    V("shadow-color", "rgb(0 0 0 / 0.12)", "rgb(0 0 0 / 0.5)", None, "shadows"),
    V("shadow", "0 4px 16px var(--bs-shadow-color)", None, "*shadow_drop_lg", "toasts, menus"),
    V("plot-bg", "#ffffff", None, None, "behind a matplotlib or Altair image (drawn for white)"),
    V("code-comment", "#6a737d", "#8b949e", None, "gr.Code: comments (Pygments tokens)"),
    V("code-keyword", "#cf222e", "#ff7b72", None, "gr.Code: keywords (Pygments tokens)"),
    V("code-string", "#0a3069", "#a5d6ff", None, "gr.Code: strings (Pygments tokens)"),
    V("code-number", "#0550ae", "#79c0ff", None, "gr.Code: numbers (Pygments tokens)"),
    V("code-name", "#8250df", "#d2a8ff", None, "gr.Code: names (Pygments tokens)"),
    V("code-builtin", "#953800", "#ffa657", None, "gr.Code: builtins (Pygments tokens)"),
)  # fmt: skip

# Set per element by the page (a component's height, scale...): not theme variables.
ELEMENT_VARIABLES = (
    "--bs-height",
    "--bs-columns",
    "--bs-scale",
    "--bs-min-width",
    "--bs-sidebar-width",
    "--bs-entity-color",
)


def by_name() -> dict[str, PageVariable]:
    return {variable.css_name: variable for variable in PAGE_VARIABLES}


def markdown_table() -> str:
    """Return the docs' table of the page's variables."""
    rows = [
        "| variable | default (light / dark) | a theme sets it from | used for |",
        "|---|---|---|---|",
    ]
    for v in PAGE_VARIABLES:
        default = f"`{v.light}`" + (f" / `{v.dark}`" if v.dark and v.dark != v.light else "")
        theme = f"`{v.theme}`" if v.theme else "(not set by themes)"
        rows.append(f"| `{v.css_name}` | {default.replace('|', '&#124;')} | {theme} | {v.use} |")
    return "\n".join(rows)
