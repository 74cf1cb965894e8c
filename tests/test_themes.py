"""Themes: ``gr.themes`` presets, ``.set`` and its references, the CSS a theme emits, page options."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory, override_settings

import blocksstate as gr
from blocksstate.app.registry import register, unregister
from blocksstate.themes.css import theme_css
from blocksstate.themes.variables import ELEMENT_VARIABLES, PAGE_VARIABLES, markdown_table
from blocksstate.warnings import FontNotLoaded

ROOT = Path(__file__).resolve().parent.parent
STYLESHEET = ROOT / "blocksstate/static/blocksstate/blocksstate.css"
DOCS = ROOT / "docs/themes.md"


def declared(css: str, selector_part: str) -> dict[str, str]:
    """Return the custom properties of the first rule whose selector contains ``selector_part``."""
    match = re.search(re.escape(selector_part) + r"\s*\{([^}]*)\}", css)
    assert match, f"no rule for {selector_part} in the CSS"
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", match.group(1)))


# -- hues, sizes, fonts ----------------------------------------------------------------------------


def test_colors_have_gradios_hue_names_and_eleven_shades():
    assert gr.themes.colors.blue.c500 == "#3b82f6"
    assert gr.themes.colors.orange.c600 == "#ea580c"
    assert len(gr.themes.colors.zinc.expand()) == 11
    with pytest.raises(AttributeError):
        gr.themes.colors.octarine  # noqa: B018


def test_a_hue_may_be_a_name_or_a_color():
    custom = gr.themes.Color(*[f"#0000{i:02x}" for i in range(11)], name="mine")
    theme = gr.themes.Base(primary_hue="emerald", neutral_hue=custom)
    assert theme.primary_500 == gr.themes.colors.emerald.c500
    assert theme.neutral_950 == "#00000a"


def test_an_unknown_hue_or_size_is_a_clear_error():
    with pytest.raises(ValueError, match="primary_hue='octarine'"):
        gr.themes.Base(primary_hue="octarine")
    with pytest.raises(ValueError, match="radius_size='huge'"):
        gr.themes.Soft(radius_size="huge")


def test_sizes_by_short_name():
    theme = gr.themes.Base(text_size="lg", radius_size=gr.themes.sizes.radius_none)
    assert theme.text_md == "16px"
    assert theme.radius_lg == "0px"


def test_fonts_make_a_family_list():
    theme = gr.themes.Base(font=[gr.themes.Font("Inter"), "sans-serif"], font_mono="Fira Code")
    assert theme.font == "'Inter', sans-serif"
    assert theme.font_mono == "'Fira Code'"
    with pytest.raises(ValueError, match="font name"):
        gr.themes.Font("x; } body { color: red")


def test_google_fonts_are_not_fetched_by_default_and_say_so_once(settings):
    theme = gr.themes.Base(font=[gr.themes.GoogleFont("Inter"), "sans-serif"])
    demo = gr.Blocks(theme=theme)
    register("th-google", demo)
    try:
        with pytest.warns(FontNotLoaded, match="Inter"):
            html = Template('{% load blocksstate %}{% blocks "th-google" %}').render(Context({}))
        assert "fonts.googleapis.com" not in html
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Template('{% load blocksstate %}{% blocks "th-google" %}').render(Context({}))
        with override_settings(BLOCKSSTATE={"GOOGLE_FONTS": True}):
            html = Template('{% load blocksstate %}{% blocks "th-google" %}').render(Context({}))
        assert (
            'href="https://fonts.googleapis.com/css2?family=Inter:wght@400;600&amp;display=swap"'
            in html
        )
    finally:
        unregister("th-google")


# -- presets and .set ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(gr.themes.BUILTIN))
def test_every_builtin_theme_resolves_every_variable_light_and_dark(name):
    theme = gr.themes.BUILTIN[name]()
    for variable in theme.variable_names():
        assert theme.resolve(variable)
        assert theme.resolve(variable, dark=True)
    assert "*" not in theme.resolve("button_primary_background_fill")


def test_presets_follow_gradio():
    assert gr.themes.Default().resolve("button_primary_background_fill") == "#f97316"  # orange_500
    soft = gr.themes.Soft()
    assert soft.primary_500 == gr.themes.colors.indigo.c500
    assert gr.themes.Monochrome().primary_500 == gr.themes.colors.neutral.c500


def test_theme_by_name_as_gradio():
    assert isinstance(gr.Blocks(theme="soft").theme, gr.themes.Soft)
    assert isinstance(gr.Blocks(theme="gradio/monochrome").theme, gr.themes.Monochrome)
    assert isinstance(gr.Blocks(theme=gr.themes.Glass).theme, gr.themes.Glass)
    with pytest.raises(ValueError, match="not a built-in theme"):
        gr.Blocks(theme="someone/dracula")
    with pytest.raises(TypeError, match="theme"):
        gr.Blocks(theme=42)


def test_set_references_and_dark_values():
    theme = gr.themes.Soft(primary_hue="rose").set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_dark="*primary_300",
        body_background_fill="linear-gradient(*primary_50, white)",
    )
    rose = gr.themes.colors.rose
    assert theme.resolve("button_primary_background_fill") == rose.c700
    assert theme.resolve("button_primary_background_fill", dark=True) == rose.c300
    assert theme.resolve("body_background_fill") == f"linear-gradient({rose.c50}, white)"
    # A variable without a dark value uses its light one in dark mode; None leaves one as it is.
    theme.set(
        body_text_weight="300",
        button_primary_text_color="black",
        button_primary_text_color_dark=None,
    )
    assert theme.resolve("body_text_weight", dark=True) == "300"
    assert theme.resolve("button_primary_text_color", dark=True) == "white"


def test_set_refuses_unknown_names_bad_references_and_markup():
    theme = gr.themes.Base()
    with pytest.raises(TypeError, match="button_primary_background_fill"):
        theme.set(button_primary_backgroud_fill="red")  # typo: the message suggests the name
    with pytest.raises(ValueError, match="no variable named 'primary_555'"):
        theme.set(body_text_color="*primary_555")
    with pytest.raises(ValueError, match="_dark"):
        theme.set(body_text_color="*neutral_800_dark")
    with pytest.raises(ValueError, match="may not contain"):
        theme.set(body_text_color="red; } body { display: none")
    with pytest.raises(ValueError, match="may not contain"):
        theme.set(body_text_color="</style><script>")


def test_circular_references_are_reported():
    theme = gr.themes.Base().set(
        body_text_color="*link_text_color", link_text_color="*body_text_color"
    )
    with pytest.raises(ValueError, match="circle"):
        theme.resolve("body_text_color")


# -- the CSS a theme emits -------------------------------------------------------------------------


def test_theme_css_sets_gradio_variables_and_the_page_variables_light_and_dark():
    theme = gr.themes.Base(primary_hue="green").set(
        button_primary_background_fill="*primary_600",
        button_primary_background_fill_dark="*primary_400",
    )
    css = theme_css(theme, "#app")
    light = declared(css, ":where(#app)")
    assert light["--primary-600"] == gr.themes.colors.green.c600
    assert light["--button-primary-background-fill"] == "var(--primary-600)"
    assert light["--bs-accent"] == "var(--button-primary-background-fill)"
    auto_dark = declared(css, ":where(#app:not(.light, .light *))")
    assert auto_dark["--button-primary-background-fill"] == "var(--primary-400)"
    forced_dark = declared(css, ":where(#app.dark, .dark #app)")
    assert forced_dark == auto_dark
    assert "color-scheme: dark" in css


def test_every_themed_page_variable_names_a_gradio_variable():
    names = set(gr.themes.Base().variable_names())
    for variable in PAGE_VARIABLES:
        if variable.theme:
            assert variable.theme.lstrip("*") in names, variable


# -- the stylesheet and the docs keep to the variable set -----------------------------------------


def stylesheet_without_defaults() -> tuple[dict[str, str], str]:
    css = STYLESHEET.read_text()
    defaults = declared(css, ":where(.bs-app, .bs-toasts, .bs-page)")
    start = css.index(":where(.bs-app, .bs-toasts, .bs-page) {")
    end = css.index("/* -- page (views.app_page)")
    return defaults, css[:start] + css[end:]


def test_stylesheet_declares_the_documented_defaults():
    defaults, _ = stylesheet_without_defaults()
    assert defaults == {v.css_name: v.light for v in PAGE_VARIABLES}
    css = STYLESHEET.read_text()
    for v in PAGE_VARIABLES:
        if v.dark and v.dark != v.light:
            assert f"{v.css_name}: light-dark({v.light}, {v.dark});" in css


def test_stylesheet_uses_only_documented_variables_and_no_literal_colours_or_fonts():
    _, rest = stylesheet_without_defaults()
    rest = re.sub(r"/\*.*?\*/", "", rest, flags=re.S)
    known = {v.css_name for v in PAGE_VARIABLES} | set(ELEMENT_VARIABLES)
    used = set(re.findall(r"var\((--[\w-]+)", rest))
    assert used <= known, used - known
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", rest)
    for prop in re.findall(r"font-family:\s*([^;]+);", rest):
        assert prop.startswith("var(--bs-"), prop
    for radius in re.findall(r"border-radius:\s*([^;]+);", rest):
        assert radius.startswith(("var(--bs-", "calc(var(--bs-")) or radius in {
            "0",
            "50%",
            "999px",
            "inherit",
        }, radius


def test_docs_list_every_page_variable():
    assert markdown_table() in DOCS.read_text()


# -- page options ----------------------------------------------------------------------------------


@pytest.fixture
def themed():
    demo = gr.Blocks(
        theme=gr.themes.Soft(primary_hue="teal"),
        css=".mine { color: red }",
        head='<script>window.headRan = true</script><meta name="x" content="y">',
        title="Teal page",
        fill_width=True,
    )
    with demo:
        gr.Button("Go", variant="primary")
    register("th-themed", demo)
    yield demo
    unregister("th-themed")


def test_app_markup_carries_its_theme_css_and_classes(themed):
    request = RequestFactory().get("/", {"__theme": "dark"})
    request.csp_nonce = "n0nce"
    html = Template('{% load blocksstate %}{% blocks "th-themed" %}').render(
        RequestContext(request, {})
    )
    assert 'class="bs-app bs-fill-width dark"' in html
    assert '<style nonce="n0nce">:where(.bs-app[id="bs-th-themed"])' in html
    assert f"--primary-500: {gr.themes.colors.teal.c500};" in html
    assert ".mine { color: red }" in html


def test_head_title_and_page_classes_tags(themed):
    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce"
    html = Template(
        '{% load blocksstate %}<title>{% blocks_title "th-themed" %}</title>{% blocks_head "th-themed" %}'
        '<body class="{% blocks_page_classes "th-themed" %}">'
    ).render(RequestContext(request, {}))
    assert "<title>Teal page</title>" in html
    assert '<script nonce="n0nce">window.headRan = true</script>' in html
    assert ":where(body.bs-page)" in html
    assert '<body class="bs-fill-width">' in html


def test_launch_options_override_the_blocks_ones(tmp_path):
    css_file = tmp_path / "extra.css"
    css_file.write_text(".extra { color: blue }")
    demo = gr.Blocks(css=".a {}", title="One")
    from blocksstate.app.page_options import apply_page_options

    apply_page_options(demo, theme="soft", css_paths=[css_file], title="Two", fill_height=True)
    assert isinstance(demo.theme, gr.themes.Soft)
    assert demo.css == ".a {}\n.extra { color: blue }"
    assert demo.title == "Two" and demo.fill_height
    with pytest.raises(FileNotFoundError, match="head_paths"):
        apply_page_options(demo, head_paths=tmp_path / "missing.html")
    with pytest.raises(TypeError, match="fill_width"):
        apply_page_options(demo, fill_width="yes")


def test_unthemed_apps_emit_no_theme_style():
    demo = gr.Blocks()
    with demo:
        gr.Button("Go")
    register("th-plain", demo)
    try:
        html = Template('{% load blocksstate %}{% blocks "th-plain" %}').render(Context({}))
    finally:
        unregister("th-plain")
    assert ":where(" not in html


def test_gradios_import_paths_and_refusals():
    from blocksstate.themes.utils import colors, fonts, sizes

    assert colors.red.c500 and sizes.text_md.md == "14px" and fonts.GoogleFont
    with pytest.raises(NotImplementedError, match="does not download"):
        gr.themes.Base.from_hub("someone/dracula")
    assert gr.themes.Default().to_dict()["theme"]["primary_500"] == gr.themes.colors.orange.c500
