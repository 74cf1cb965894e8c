"""Event data: what the page says of its event reaches handlers annotated for it, checked."""

from __future__ import annotations

import os

import pytest

import blocksstate as gr
from blocksstate import protocol
from blocksstate.testing import PageClient, registered
from tests.helpers_media import media_root, session_file  # noqa: F401

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


def test_an_event_frame_carries_an_object_of_data_or_is_refused():
    frame = protocol.decode('{"type":"event","seq":1,"dep":0,"data":{"index":2}}', 10_000)
    assert frame.data == {"index": 2}
    assert protocol.decode('{"type":"event","seq":1,"dep":0}', 10_000).data is None
    with pytest.raises(protocol.ProtocolError, match="'data' must be a JSON object") as caught:
        protocol.decode('{"type":"event","seq":1,"dep":0,"data":[1]}', 10_000)
    assert caught.value.code == "bad_frame"


def select_app():
    with gr.Blocks() as demo:
        files = gr.File(file_count="multiple")
        out = gr.Textbox(label="Out")

        def selected(evt: gr.SelectData) -> str:
            return f"{evt.target is files} {evt.index} {evt.value} {evt.selected}"

        files.select(selected, None, out)
    return demo, files, out


async def test_a_select_reaches_its_handler_as_select_data():
    demo, files, out = select_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            data = {"index": 1, "value": "b.txt", "selected": True}
            reply = await page.trigger(files, "select", data=data)
            assert reply.status == "done"
            assert page.value(out) == "True 1 b.txt True"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"index": "one"}, "'index' must be an integer or [row, column]"),
        ({"index": [1]}, "'index' must be an integer or [row, column]"),
        ({"index": 1, "selected": "yes"}, "'selected' must be true or false"),
    ],
)
async def test_select_data_that_does_not_fit_is_refused_and_nothing_runs(data, message):
    demo, files, out = select_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            error = (await page.trigger(files, "select", data=data)).error
            assert error["code"] == "invalid_input" and message in error["message"]
            assert page.value(out) == ""


async def test_a_handler_without_data_gets_event_data_with_its_target():
    with gr.Blocks() as demo:
        button = gr.Button("Go")
        out = gr.Textbox()

        def clicked(evt: gr.EventData) -> str:
            return f"{evt.target is button} {evt._data}"

        button.click(clicked, None, out)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Go")
            assert page.value(out) == "True None"


def delete_app(seen):
    with gr.Blocks() as demo:
        files = gr.File(file_count="multiple")

        def deleted(evt: gr.DeletedFileData) -> None:
            seen.append(evt.file)

        files.delete(deleted, None, None)
    return demo, files


async def test_a_delete_gives_the_handler_the_deleted_file_read_by_its_ref():
    seen = []
    demo, files = delete_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, b"gone", "gone.txt")
            reply = await page.trigger(files, "delete", data={"file": given})
            assert reply.status == "done"
    [file] = seen
    assert isinstance(file, gr.FileData)
    assert file.orig_name == "gone.txt" and file.size == 4 and file.mime_type == "text/plain"
    assert os.path.isfile(file.path) and file.url.startswith("/blocksstate/files/")


async def test_a_delete_of_a_forged_or_foreign_file_is_refused_and_nothing_runs():
    seen = []
    demo, files = delete_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as page:
            foreign = session_file(app, other.session_id, b"theirs")
            for data in ({"file": foreign}, {"file": {"ref": "forged"}}, {"file": "a.txt"}):
                error = (await page.trigger(files, "delete", data=data)).error
                assert error["code"] == "invalid_input"
    assert seen == []


def download_app(seen):
    with gr.Blocks() as demo:
        files = gr.File(file_count="multiple")
        out = gr.Textbox(label="Out")

        def downloaded(data: gr.DownloadData) -> str:
            seen.append(data.file)
            return f"Downloaded {data.file.orig_name}"

        files.download(downloaded, None, out)
    return demo, files, out


async def test_a_download_gives_the_handler_download_data_with_the_file_read_by_its_ref():
    seen = []
    demo, files, out = download_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, b"report", "report.txt")
            reply = await page.trigger(files, "download", data={"file": given})
            assert reply.status == "done"
            assert page.value(out) == "Downloaded report.txt"
    [file] = seen
    assert isinstance(file, gr.FileData) and file.size == 6
    assert os.path.isfile(file.path) and file.url.startswith("/blocksstate/files/")


async def test_a_download_of_a_forged_or_foreign_file_is_refused_and_nothing_runs():
    seen = []
    demo, files, out = download_app(seen)
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as page:
            foreign = session_file(app, other.session_id, b"theirs")
            for data in ({"file": foreign}, {"file": {"ref": "forged"}}, {}):
                error = (await page.trigger(files, "download", data=data)).error
                assert error["code"] == "invalid_input"
            assert page.value(out) == ""
    assert seen == []


# -- the data of each component's events ----------------------------------------------------------


def shows(kind=gr.SelectData):
    """A handler showing what it got (its target's label, then the data's fields)."""

    def handler(evt):
        fields = {k: v for k, v in vars(evt).items() if k not in ("target", "_data")}
        return f"{getattr(evt.target, 'label', None)} {fields}"

    handler.__annotations__ = {"evt": kind}  # this module's annotations are text
    return handler


def choices_app():
    with gr.Blocks() as demo:
        radio = gr.Radio(["a", "b", "c"], label="Radio")
        group = gr.CheckboxGroup([("One", 1), ("Two", 2)], label="Group")
        drop = gr.Dropdown(["x", "y"], label="Drop")
        many = gr.Dropdown(["x", "y"], multiselect=True, label="Many")
        box = gr.Checkbox(label="Agree")
        out = gr.Textbox(label="Out")
        for component in (radio, group, drop, many, box):
            component.select(shows(), None, out)
        drop.key_up(shows(gr.KeyUpData), None, out)
        more = gr.Button("More")
        more.click(lambda: gr.update(choices=["x", "y", "z"]), None, drop)
    return demo


@pytest.mark.parametrize(
    ("label", "data", "shown"),
    [
        ("Radio", {"index": 1, "value": "b"}, "'index': 1, 'value': 'b', 'selected': True"),
        ("Group", {"index": 1, "value": 2, "selected": False}, "'value': 2, 'selected': False"),
        ("Drop", {"index": 0, "value": "x", "selected": True}, "'index': 0, 'value': 'x'"),
        ("Many", {"index": 1, "value": "y", "selected": False}, "'value': 'y', 'selected': False"),
        ("Agree", {"selected": True}, "'index': None, 'value': 'Agree', 'selected': True"),
        # The value may be left to the server, which knows the choice.
        ("Radio", {"index": 2}, "'index': 2, 'value': 'c'"),
    ],
)
async def test_a_choice_select_gives_the_choice_by_index_and_value(label, data, shown):
    with registered(choices_app()) as app:
        async with PageClient(app) as page:
            reply = await page.trigger(label, "select", data=data)
            assert reply.status == "done"
            assert page.value("Out").startswith(f"{label} {{") and shown in page.value("Out")


@pytest.mark.parametrize(
    ("label", "data", "message"),
    [
        ("Radio", {"index": 3, "value": "d"}, "'index' must be one of the 3 choices"),
        ("Radio", {"index": -1}, "'index' must be one of the 3 choices"),
        ("Radio", {"index": True}, "must be an integer"),
        ("Radio", {"value": "a"}, "'index' must be one of the 3 choices"),
        ("Radio", {"index": 0, "value": "b"}, "'value' is not choice 0"),
        ("Radio", {"index": 0, "selected": False}, "only a choice of several can be deselected"),
        ("Group", {"index": 0, "value": "1"}, "'value' is not choice 0"),
        ("Group", {"index": 0, "value": True}, "'value' is not choice 0"),
        ("Drop", {"index": 2, "value": "z"}, "'index' must be one of the 2 choices"),
        ("Agree", {"index": 0}, "whether the box is ticked"),
    ],
)
async def test_a_select_that_is_not_one_of_the_choices_is_refused_and_nothing_runs(
    label, data, message
):
    with registered(choices_app()) as app:
        async with PageClient(app) as page:
            error = (await page.trigger(label, "select", data=data)).error
            assert error["code"] == "invalid_input" and message in error["message"]
            assert page.value("Out") == ""


async def test_a_select_is_checked_against_the_choices_a_handler_gave():
    with registered(choices_app()) as app:
        async with PageClient(app) as page:
            await page.click("More")
            reply = await page.trigger("Drop", "select", data={"index": 2, "value": "z"})
            assert reply.status == "done" and "'value': 'z'" in page.value("Out")


async def test_a_key_up_gives_key_up_data():
    with registered(choices_app()) as app:
        async with PageClient(app) as page:
            data = {"key": "ArrowDown", "input_value": "y"}
            assert (await page.trigger("Drop", "key_up", data=data)).status == "done"
            assert page.value("Out") == "Drop {'key': 'ArrowDown', 'input_value': 'y'}"
            for bad in (
                {"key": "", "input_value": ""},
                {"key": "a"},
                {"key": 1, "input_value": ""},
            ):
                error = (await page.trigger("Drop", "key_up", data=bad)).error
                assert error["code"] == "invalid_input"


def tabs_app():
    with gr.Blocks() as demo:
        with gr.Tabs() as tabs:
            with gr.Tab("First") as first:
                gr.Markdown("one")
            with gr.Tab("Second") as second:
                gr.Markdown("two")
        out = gr.Textbox(label="Out")
        tabs.select(shows(), None, out)
        second.select(shows(), None, out)
    return demo, tabs, first, second


async def test_a_tab_select_gives_its_index_and_label():
    demo, tabs, first, second = tabs_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            data = {"index": 0, "value": "First"}
            assert (await page.trigger(tabs, "select", data=data)).status == "done"
            assert "'index': 0, 'value': 'First'" in page.value("Out")
            for bad in ({"index": 2}, {"index": 1, "value": "First"}):
                error = (await page.trigger(tabs, "select", data=bad)).error
                assert error["code"] == "invalid_input"
            error = (await page.trigger(second, "select", data={"index": 0})).error
            assert "a select of this tab must have its index, 1" in error["message"]


def text_app():
    with gr.Blocks() as demo:
        box = gr.Textbox("héllo 🌍 world", label="Box")
        notes = gr.Markdown("Some *notes*")
        out = gr.Textbox(label="Out")
        box.select(shows(), None, out)
        box.copy(shows(gr.CopyData), None, out)
        notes.copy(shows(gr.CopyData), None, out)
    return demo, notes


async def test_a_text_select_gives_its_range_in_characters_and_the_text():
    with registered(text_app()[0]) as app:
        async with PageClient(app) as page:
            assert (await page.trigger("Box", "select", data={"index": [6, 13]})).status == "done"
            assert page.value("Out") == "Box {'index': (6, 13), 'value': '🌍 world', " + (
                "'selected': True, 'row_value': None, 'col_value': None}"
            )
            # Checked against the text the visitor has just typed, sent with the event.
            data = {"index": [0, 3], "value": "new"}
            reply = await page.trigger("Box", "select", values={"Box": "new text"}, data=data)
            assert reply.status == "done" and "'value': 'new'" in page.value("Out")


@pytest.mark.parametrize(
    "data",
    [
        {"index": [3, 2]},
        {"index": [0, 99]},
        {"index": 1},
        {"index": [0, 3], "value": "xyz"},
    ],
)
async def test_a_text_select_outside_the_text_is_refused_and_changes_nothing(data):
    with registered(text_app()[0]) as app:
        async with PageClient(app) as page:
            reply = await page.trigger("Box", "select", values={"Box": "typed"}, data=data)
            assert reply.error["code"] == "invalid_input"
            assert page.value("Out") == ""
            # The value sent with the refused event was not applied either.
            await page.trigger("Box", "select", data={"index": [0, 4], "value": "héll"})
            assert "'value': 'héll'" in page.value("Out")


async def test_a_copy_gives_copy_data_with_the_text_copied():
    demo, notes = text_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            assert (await page.trigger("Box", "copy", data={"value": "llo"})).status == "done"
            assert page.value("Out") == "Box {'value': 'llo'}"
            assert (await page.trigger(notes, "copy", data={"value": "notes"})).status == "done"
            assert page.value("Out") == "None {'value': 'notes'}"
            error = (await page.trigger("Box", "copy", data={"value": 3})).error
            assert "'value' must be the text copied" in error["message"]


async def test_a_listener_of_several_triggers_gets_the_data_of_the_one_that_fired():
    with gr.Blocks() as demo:
        radio = gr.Radio(["a", "b"], label="Radio")
        drop = gr.Dropdown(["x", "y"], label="Drop")
        button = gr.Button("Go")
        out = gr.Textbox(label="Out")
        gr.on([radio.select, drop.select], shows(), None, out)
    listener = demo.dependencies[0]
    with registered(demo) as app:
        async with PageClient(app) as page:
            assert (await page.trigger(drop, "select", data={"index": 1})).status == "done"
            assert page.value("Out").startswith("Drop {'index': 1, 'value': 'y'")
            assert (await page.trigger(radio, "select", data={"index": 1})).status == "done"
            assert page.value("Out").startswith("Radio {'index': 1, 'value': 'b'")
            # Checked against the trigger's component: the radio has no third choice.
            reply = await page.event(listener, data={"index": 1}, trigger=(drop.id, "select"))
            assert reply.status == "done"
            for trigger in ((button.id, "click"), (radio.id, "change")):
                reply = await page.event(listener, data={"index": 0}, trigger=trigger)
                assert reply.error["code"] == "invalid_input"
                assert f"is not run by {trigger[1]} of {trigger[0]}" in reply.error["message"]


def test_an_event_frame_names_its_trigger_or_is_refused():
    frame = protocol.decode('{"type":"event","seq":1,"dep":0,"trigger":[3,"select"]}', 10_000)
    assert frame.trigger == (3, "select")
    for bad in ("[3]", '["3","select"]', "[3, 4]", '{"id": 3}'):
        text = f'{{"type":"event","seq":1,"dep":0,"trigger":{bad}}}'
        with pytest.raises(protocol.ProtocolError, match="'trigger' must be"):
            protocol.decode(text, 10_000)


async def test_event_data_fills_its_parameter_wherever_it_is_and_whatever_its_default():
    seen = []
    with gr.Blocks() as demo:
        radio = gr.Radio(["a", "b"], label="Radio", value="a")
        name = gr.Textbox("Ann", label="Name")

        def middle(choice, evt, who):
            seen.append(("middle", choice, evt.index, who))

        def defaulted(choice, evt=None):
            seen.append(("default", choice, evt.value, evt.selected))

        def by_text(evt, choice):
            seen.append(("text", type(evt).__name__, evt.key, evt.input_value, choice))

        middle.__annotations__ = {"evt": gr.SelectData}
        defaulted.__annotations__ = {"evt": gr.SelectData}
        by_text.__annotations__ = {"evt": "gr.EventData"}  # as ``from __future__`` leaves it
        radio.select(middle, [radio, name], None)
        radio.select(defaulted, radio, None)
        radio.change(by_text, radio, None)
    middle_dep, default_dep, text_dep = demo.dependencies
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.event(middle_dep, data={"index": 1}, trigger=(radio.id, "select"))
            await page.event(default_dep, data={"index": 1}, trigger=(radio.id, "select"))
            data = {"key": "b", "input_value": "b"}  # EventData reads any field by name
            await page.event(text_dep, data=data, trigger=(radio.id, "change"))
    assert seen == [
        ("middle", "a", 1, "Ann"),
        ("default", "a", "b", True),
        ("text", "EventData", "b", "b", "a"),
    ]


def test_event_data_reads_the_pages_fields_by_name_as_gradio_does():
    evt = gr.EventData(None, {"key": "Enter"})
    assert evt.key == "Enter"
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        evt.missing  # noqa: B018
    with pytest.raises(AttributeError):
        gr.EventData(None, None).key  # noqa: B018
    assert issubclass(gr.KeyUpData, gr.EventData) and issubclass(gr.CopyData, gr.EventData)
