"""blocksstate.testing, the helpers app authors test with: what the page client promises."""

import pytest

import blocksstate as gr
from blocksstate.testing import PageClient, eventually, registered


def greeter(unloads: list[str]) -> gr.Blocks:
    def unload(request: gr.Request) -> None:
        unloads.append(request.session_hash)

    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name")
        greeting = gr.Textbox(label="Greeting")
        gr.Button("Greet").click(lambda n: f"Hello {n}!", name, greeting)
        gr.Button("Fail").click(lambda: 1 / 0, None, greeting)
        demo.load(lambda: "Welcome!", None, greeting)
        demo.unload(unload)
    return demo


async def test_a_page_runs_load_when_it_opens_and_unload_when_it_is_left():
    unloads = []
    with registered(greeter(unloads)) as app:
        async with PageClient(app) as page:
            assert page.value("Greeting") == "Welcome!"
            await page.click("Greet", {"Name": "Ada"})
            assert page.value("Greeting") == "Hello Ada!"
            assert unloads == []

    assert unloads == [page.session_id]
    assert not page.connected


async def test_a_click_that_fails_is_an_assertion_error_and_trigger_returns_the_failure():
    with registered(greeter([])) as app:
        async with PageClient(app) as page:
            with pytest.raises(AssertionError, match="the click ended with failed"):
                await page.click("Fail")
            reply = await page.trigger("Fail", "click")

    assert reply.status == "failed"


async def test_a_page_that_is_already_open_is_not_opened_again_by_async_with():
    with registered(greeter([])) as app:
        page = await PageClient(app).open()
        async with page:
            assert page.value("Greeting") == "Welcome!"
        assert not page.connected


async def test_eventually_returns_what_the_condition_returned():
    answers = iter([None, 0, "", "ready"])

    assert await eventually(lambda: next(answers), interval=0) == "ready"


async def test_eventually_names_what_it_waited_for_when_it_times_out():
    async def never() -> bool:
        return False

    with pytest.raises(AssertionError, match="timed out after 0.05s waiting for the moon"):
        await eventually(never, timeout=0.05, what="the moon")
