"""Layouts as outputs: Row, Column, Group, Tabs, Tab, Accordion and Sidebar changed by handlers."""

from __future__ import annotations

import warnings

import pytest
from django.test import override_settings

import blocksstate as gr
from blocksstate.rendering.tree import build_tree
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption

SHOW_ERRORS = override_settings(BLOCKSSTATE={"SHOW_ERRORS": True})


def wizard():
    with gr.Blocks() as demo:
        with gr.Column() as step1:
            name = gr.Textbox(label="Name")
            next1 = gr.Button("Next")
        with gr.Column(visible=False) as step2:
            greeting = gr.Markdown()
        with gr.Accordion("Details", open=False) as details:
            gr.Markdown("more")
        with gr.Tabs() as tabs:
            with gr.Tab("First", id="first"):
                gr.Markdown("one")
            with gr.Tab("Second", id="second") as second:
                gr.Markdown("two")
        changes = gr.Number(label="Tab changes", value=0)

        def go(name):
            return gr.update(visible=False), gr.Column(visible=True), f"Hello {name}"

        next1.click(go, name, [step1, step2, greeting])
        gr.Button("Open details").click(lambda: gr.Accordion(open=True, label="All"), None, details)
        gr.Button("Show second").click(lambda: gr.Tabs(selected="second"), None, tabs)
        gr.Button("Show by index").click(lambda: gr.update(selected=0), None, tabs)
        gr.Button("Hide second").click(
            lambda: gr.Tab(visible=False, interactive=False), None, second
        )
        tabs.change(lambda n: n + 1, changes, changes)
    return demo, step1, step2, details, tabs, second


async def test_a_handler_hides_one_column_and_shows_the_next():
    demo, step1, step2, *_ = wizard()
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.click("Next", {"Name": "Ada"})
            assert reply.updates[step1.id] == {"visible": False}
            assert reply.updates[step2.id] == {"visible": True}
            assert page.props(step2) == {"visible": True}


async def test_layout_properties_are_kept_per_session_and_resent_on_resume():
    demo, step1, step2, details, tabs, _ = wizard()
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        await page.click("Next", {"Name": "Ada"})
        await page.click("Open details")
        await page.click("Show second")
        token = page.resume_token
        await page.drop()

        async with PageClient(app) as other:  # another visitor: the app as declared
            assert other.props(step2) == {}

        resumed = PageClient(app)
        await resumed.open(resume=token)
        assert resumed.props(step1) == {"visible": False}
        assert resumed.props(step2) == {"visible": True}
        assert resumed.props(details) == {"open": True, "label": "All"}
        assert resumed.props(tabs) == {"selected": "second", "selected_index": 1}
        await resumed.close()


async def test_tabs_switch_by_id_or_index_and_run_their_change_listeners():
    demo, *_, tabs, _ = wizard()
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.click("Show second")
            assert reply.updates[tabs.id] == {"selected": "second", "selected_index": 1}
            assert page.value("Tab changes") == 1
            await page.click("Show second")  # already shown: no change
            assert page.value("Tab changes") == 1
            reply = await page.click("Show by index")
            assert reply.updates[tabs.id] == {"selected": 0, "selected_index": 0}
            assert page.value("Tab changes") == 2


async def test_a_tab_is_hidden_and_disabled_by_an_update():
    demo, *_, second = wizard()
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.click("Hide second")
            assert reply.updates[second.id] == {"visible": False, "interactive": False}


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (gr.update(visible="yes"), "visible must be True, False or 'hidden'"),
        (gr.update(opened=True), "has no property opened"),
        (gr.update(value=3), "has no property value"),
        (gr.update(elem_id="x"), "'elem_id' cannot be changed by an event"),
        ("shown", "is a layout, with no value"),
    ],
)
async def test_a_bad_layout_update_is_refused_and_changes_nothing(result, message):
    with gr.Blocks() as demo:
        with gr.Column() as column:
            gr.Textbox(label="Inside")
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(lambda: (result, "changed"), None, [column, out])
    with registered(demo) as app, SHOW_ERRORS:
        async with PageClient(app) as page:
            reply = await page.trigger("Go", "click")
            assert reply.status == "failed"
            assert message in reply.alerts[0]["message"]
            assert page.props(column) == {}
            assert page.value(out) == ""


async def test_tabs_refuse_a_selection_that_names_no_tab():
    with gr.Blocks() as demo:
        with gr.Tabs() as tabs, gr.Tab("A", id="a"):
            gr.Markdown("a")
        gr.Button("Go").click(lambda: gr.update(selected="z"), None, tabs)
    with registered(demo) as app, SHOW_ERRORS:
        async with PageClient(app) as page:
            reply = await page.trigger("Go", "click")
            assert reply.status == "failed"
            assert "selected='z' names no tab" in reply.alerts[0]["message"]


async def test_accordion_expand_and_collapse_and_sidebar_events_reach_handlers():
    with gr.Blocks() as demo:
        with gr.Sidebar("Menu", open=False) as side:
            gr.Markdown("links")
        with gr.Accordion("More") as more:
            gr.Markdown("text")
        said = gr.Textbox(label="Said")
        more.expand(lambda: "expanded", None, said)
        more.collapse(lambda: "collapsed", None, said)
        side.expand(lambda: "sidebar open", None, said)
        gr.Button("Close menu").click(lambda: gr.Sidebar(open=False, width="20rem"), None, side)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(more, "collapse")
            assert page.value(said) == "collapsed"
            await page.trigger("More", "expand")
            assert page.value(said) == "expanded"
            await page.trigger(side, "expand")
            assert page.value(said) == "sidebar open"
            reply = await page.click("Close menu")
            assert reply.updates[side.id] == {"open": False, "width": "20rem"}


def test_a_layout_cannot_be_an_input():
    with gr.Blocks():
        with gr.Row() as row:
            button = gr.Button("Go")
        with pytest.raises(TypeError, match="a layout has no value"):
            button.click(lambda x: x, row, None)


def test_the_first_page_selects_a_tab_by_id_or_index_and_hides_what_is_hidden():
    with gr.Blocks() as demo:
        with gr.Tabs(selected=1):
            with gr.Tab("A"):
                gr.Markdown("a")
            with gr.Tab("B"):
                gr.Markdown("b")
        with gr.Row(visible="hidden"):
            gr.Markdown("c")
    demo.name = "tabs"
    tabs_node, row_node = build_tree(demo)
    assert [n.context["selected"] for n in tabs_node.children] == [False, True]
    assert row_node.context["hidden"] is True


def test_unsupported_layout_options_warn_once_naming_them():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with gr.Blocks():
            gr.Accordion("A", height=300)
            gr.Accordion("B", height=300)
    messages = [str(w.message) for w in caught if issubclass(w.category, UnsupportedOption)]
    assert messages == [
        "gr.Accordion: 'height' accepted but not implemented by blocksstate; it has no effect"
    ]


def test_a_tab_takes_gradio_positional_arguments_and_tabitem_is_tab():
    with gr.Blocks():
        tab = gr.TabItem("A", False, False, id=3)
    assert isinstance(tab, gr.Tab)
    assert (tab.label, tab.visible, tab.interactive, tab.tab_id) == ("A", False, False, 3)
