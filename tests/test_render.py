"""``@gr.render``: the examples of Gradio's "Dynamic Apps with the Render Decorator" guide,
run verbatim (only the import changed) through the real consumer, and what the region
keeps across re-renders, resumes and bad events."""

from __future__ import annotations

import pytest

import blocksstate as gr
from blocksstate.app.render import Renderable
from blocksstate.components.base import DYNAMIC_ID_BASE
from blocksstate.testing import PageClient

pytestmark = pytest.mark.django_db(transaction=True)


def split_simple():
    with gr.Blocks() as demo:
        input_text = gr.Textbox(label="input")

        @gr.render(inputs=input_text)
        def show_split(text):
            if len(text) == 0:
                gr.Markdown("## No Input Provided")
            else:
                for letter in text:
                    gr.Textbox(letter)

    return demo, show_split


def render_merge():
    with gr.Blocks() as demo:
        text_count = gr.Slider(1, 10, step=1, label="Textbox Count")

        @gr.render(inputs=[text_count], triggers=[text_count.change])
        def render_count(count):
            boxes = []
            for i in range(count):
                box = gr.Textbox(key=i)
                boxes.append(box)

            def merge(*args):
                return " ".join(args)

            merge_btn.click(merge, boxes, output)

        merge_btn = gr.Button("Merge")
        output = gr.Textbox()

    return demo, render_count, output


def todo_list():
    with gr.Blocks() as demo:
        tasks = gr.State([])
        new_task = gr.Textbox(label="Task Name", autofocus=True, max_lines=1)

        def add_task(tasks, new_task_name):
            return tasks + [{"name": new_task_name, "complete": False}], ""

        new_task.submit(add_task, [tasks, new_task], [tasks, new_task])

        @gr.render(inputs=tasks)
        def render_todos(task_list):
            complete = [task for task in task_list if task["complete"]]
            incomplete = [task for task in task_list if not task["complete"]]
            gr.Markdown(f"### Incomplete Tasks ({len(incomplete)})")
            for task in incomplete:
                with gr.Row():
                    gr.Textbox(task["name"], show_label=False, container=False)
                    done_btn = gr.Button("Done", scale=0)

                    def mark_done(task=task):
                        task["complete"] = True
                        return task_list

                    done_btn.click(mark_done, None, [tasks])

                    delete_btn = gr.Button("Delete", scale=0, variant="stop")

                    def delete(task=task):
                        task_list.remove(task)
                        return task_list

                    delete_btn.click(delete, None, [tasks])

            gr.Markdown(f"### Complete Tasks ({len(complete)})")
            for task in complete:
                gr.Textbox(task["name"], show_label=False, container=False)

    return demo, render_todos


def shown(page, render, type):
    return [page.value(cid) for cid in page.region_components(render, type)]


def buttons(page, render, text):
    return [cid for cid in page.region_components(render, "button") if page.value(cid) == text]


async def test_the_decorator_returns_a_renderable_with_gradio_default_triggers():
    demo, show_split = split_simple()
    assert isinstance(show_split, Renderable)
    names = [name for _, name in show_split.dependency.triggers]
    assert names == ["load", "change"]
    assert show_split.dependency.trigger_mode == "always_last"


async def test_split_simple_renders_one_textbox_per_letter(register_blocks):
    demo, show_split = split_simple()
    name = register_blocks(demo)
    async with PageClient(name) as page:
        # The load renders the region: no input yet.
        assert page.region_components(show_split, "markdown")
        assert page.region_components(show_split, "textbox") == []
        reply = await page.trigger("input", "change", {"input": "abc"})
        assert reply.status == "done"
        assert shown(page, show_split, "textbox") == ["a", "b", "c"]
        assert all(cid >= DYNAMIC_ID_BASE for cid in page.region_components(show_split))
        html = page.regions[show_split.id]["html"]
        assert html.count("<textarea") + html.count('<input class="bs-input"') >= 3
        await page.trigger("input", "change", {"input": ""})
        assert page.region_components(show_split, "textbox") == []


async def test_merge_texts_keeps_typed_values_by_key_and_runs_the_region_listener(register_blocks):
    demo, render_count, output = render_merge()
    name = register_blocks(demo)
    async with PageClient(name) as page:
        # triggers=[text_count.change] only: nothing before the first change (as in Gradio).
        assert page.region_components(render_count) == []
        await page.trigger("Textbox Count", "change", {"Textbox Count": 2})
        first, second = page.region_components(render_count, "textbox")
        reply = await page.click("Merge", {first: "hello", second: "world"})
        assert reply.updates[output.id]["value"] == "hello world"
        # A third box: the keyed two keep their ids and what the visitor typed.
        await page.trigger("Textbox Count", "change", {"Textbox Count": 3})
        boxes = page.region_components(render_count, "textbox")
        assert boxes[:2] == [first, second]
        assert [page.value(b) for b in boxes] == ["hello", "world", ""]
        reply = await page.click("Merge", {boxes[2]: "again"})
        assert reply.updates[output.id]["value"] == "hello world again"


async def test_todo_list_adds_completes_and_deletes_tasks(register_blocks):
    demo, render_todos = todo_list()
    name = register_blocks(demo)
    async with PageClient(name) as page:
        assert shown(page, render_todos, "markdown")[0].startswith("### Incomplete Tasks (0)")
        for task in ("milk", "eggs", "bread"):
            reply = await page.trigger("Task Name", "submit", {"Task Name": task})
            assert reply.status == "done"
        assert page.value("Task Name") == ""
        assert shown(page, render_todos, "textbox") == ["milk", "eggs", "bread"]
        # Done on "eggs": it moves to the complete list.
        await page.trigger(buttons(page, render_todos, "Done")[1], "click")
        assert shown(page, render_todos, "textbox") == ["milk", "bread", "eggs"]
        assert [m.split("\n")[0] for m in shown(page, render_todos, "markdown")] == [
            "### Incomplete Tasks (2)",
            "### Complete Tasks (1)",
        ]
        # Delete "milk".
        await page.trigger(buttons(page, render_todos, "Delete")[0], "click")
        assert shown(page, render_todos, "textbox") == ["bread", "eggs"]


async def test_a_listener_of_a_rebuilt_region_is_refused_and_changes_nothing(register_blocks):
    demo, render_todos = todo_list()
    name = register_blocks(demo)
    async with PageClient(name) as page:
        await page.trigger("Task Name", "submit", {"Task Name": "milk"})
        stale_done = buttons(page, render_todos, "Done")[0]
        stale_listener = page.region_listener(stale_done, "click")
        await page.trigger("Task Name", "submit", {"Task Name": "eggs"})
        reply = await page.event(stale_listener)
        assert reply.status == "error"
        assert reply.error["code"] == "unknown_event"
        assert "rebuilt" in reply.error["message"]
        assert shown(page, render_todos, "textbox") == ["milk", "eggs"]
        # A value for a component the region no longer has is refused too.
        reply = await page.trigger(
            "Task Name", "submit", {"Task Name": "x", DYNAMIC_ID_BASE + 999: "y"}
        )
        assert reply.status == "error"
        assert reply.error["code"] == "invalid_input"
        assert shown(page, render_todos, "textbox") == ["milk", "eggs"]


async def test_a_bad_value_for_a_dynamic_component_is_refused(register_blocks):
    demo, render_count, output = render_merge()
    name = register_blocks(demo)
    async with PageClient(name) as page:
        await page.trigger("Textbox Count", "change", {"Textbox Count": 1})
        (box,) = page.region_components(render_count, "textbox")
        reply = await page.trigger("Merge", "click", {box: 12})
        assert reply.status == "error"
        assert reply.error["code"] == "invalid_input"


async def test_the_region_survives_a_resume_on_a_fresh_worker(register_blocks):
    demo, render_todos = todo_list()
    name = register_blocks(demo)
    page = PageClient(name)
    await page.open()
    await page.trigger("Task Name", "submit", {"Task Name": "milk"})
    done = buttons(page, render_todos, "Done")[0]
    listener = page.region_listener(done, "click")
    await page.drop()
    # What this process built is forgotten, as on another worker: the record rebuilds it.
    demo.__dict__.pop("_regions", None)
    from blocksstate.app import registry

    for engine_holder in (getattr(registry, "_engines", None),):
        if engine_holder:
            engine_holder.clear()
    resumed = PageClient(name)
    await resumed.open(resume=page.resume_token)
    assert resumed.regions[render_todos.id]["components"]
    reply = await resumed.event(listener)
    assert reply.status == "done", reply.frames
    assert shown(resumed, render_todos, "textbox") == ["milk"]
    assert shown(resumed, render_todos, "markdown")[1].startswith("### Complete Tasks (1)")
    await resumed.close()


async def test_a_new_page_starts_with_an_empty_list(register_blocks):
    demo, render_todos = todo_list()
    name = register_blocks(demo)
    async with PageClient(name) as page:
        await page.trigger("Task Name", "submit", {"Task Name": "milk"})
    async with PageClient(name) as page:
        assert shown(page, render_todos, "textbox") == []


def test_render_outside_blocks_is_refused():
    with pytest.raises(ValueError, match="inside `with gr.Blocks"):
        gr.render(inputs=[])


async def test_state_inside_a_render_function_is_refused(register_blocks, caplog):
    with gr.Blocks() as demo:
        count = gr.Number(label="Count", value=1)

        @gr.render(inputs=count)
        def bad(n):
            gr.State(n)

    name = register_blocks(demo)
    async with PageClient(name) as page:
        alerts = [f for f in page.received if f["type"] == "alert"]
        assert alerts and alerts[0]["level"] == "error"
        assert "gr.State cannot be created inside a @gr.render" in caplog.text
        assert bad.id not in page.regions


async def test_js_on_a_listener_made_in_a_render_function_warns_and_the_function_runs(
    register_blocks, fresh_warnings
):
    with gr.Blocks() as demo:
        count = gr.Number(label="Count", value=1)
        out = gr.Textbox(label="Out")

        @gr.render(inputs=count)
        def region(n):
            button = gr.Button("Go", key="go")
            button.click(lambda: "ran", None, out, js="() => []")

    name = register_blocks(demo)
    with pytest.warns(gr.warnings.UnsupportedOption, match="render function"):
        async with PageClient(name) as page:
            button = page.region_components(region, "button")[0]
            reply = await page.trigger(button, "click")
            assert reply.status == "done"
            assert page.value("Out") == "ran"
