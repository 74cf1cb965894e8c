"""Every example of the state guides, run unchanged, behaves as its guide says (over the socket)."""

import pickle
import re
import sys
from pathlib import Path

import pytest

import blocksstate as gr
from blocksstate.app.registry import get_app, registered
from blocksstate.launch.script import ScriptError, load_script, script_module
from blocksstate.testing import PageClient, button, component, dependency

GUIDES = Path(__file__).resolve().parent.parent / "demo_project" / "examples" / "guides"

GUIDE_APPS = [
    "visitors",
    "cart",
    "counter",
    "chat",
    "multistep",
    "clicks",
    "custom-class",
    "dynamic-init",
    "reset",
    "clear-button",
    "conditional",
    "chain",
    "interface-state",
    "non-deepcopyable",
    "saved-credentials",
    "generate-randomly",
]


def module(app: str):
    return script_module(GUIDES / f"{app.replace('-', '_')}.py")


def test_every_guide_script_is_registered_in_order():
    names = [name for name in registered() if name in GUIDE_APPS]

    assert names == GUIDE_APPS
    for name in GUIDE_APPS:
        assert module(name).demo is get_app(name)


def test_guide_scripts_differ_from_the_guides_only_by_the_import():
    for path in sorted(GUIDES.glob("*.py")):
        if path.name == "__init__.py":
            continue
        source = path.read_text()
        assert "import blocksstate as gr" in source, path.name
        assert "gradio" not in source.replace("Gradio", ""), path.name


# -- global state ----------------------------------------------------------------------------


async def test_visitor_counter_is_shared_by_all_sessions():
    visitors = module("visitors")
    before = visitors.visitor_count
    total = component(get_app("visitors"), "Total Visitors")

    async with PageClient("visitors") as first:
        assert first.value(total) == str(before + 1)
        async with PageClient("visitors") as second:
            assert second.value(total) == str(before + 2)
        # A page already open keeps what it was shown; the counter itself moved on.
        assert first.value(total) == str(before + 1)
    assert visitors.visitor_count == before + 2


async def test_visitor_counter_shows_counting_until_load_ran():
    client = PageClient("visitors")

    assert client.value("Total Visitors") == "Counting..."


# -- session state: the cart -------------------------------------------------------------------


async def test_cart_size_follows_the_cart():
    cart = module("cart")
    async with PageClient("cart") as client:
        assert client.value("Cart Size") is None

        first = await client.click("Add Items", {cart.items_to_add: ["Milk", "Water"]})
        assert first.updates == {cart.cart_size.id: {"value": 2}}
        assert client.value("Cart Size") == 2

        # The ticked boxes did not change on the page, so the page sends no values again.
        await client.click("Add Items")
        assert client.value("Cart Size") == 4


async def test_cart_change_listener_runs_server_side_in_the_same_event():
    cart = module("cart")
    async with PageClient("cart") as client:
        outcome = await client.click("Add Items", {cart.items_to_add: ["Cereal"]})

    change = dependency(get_app("cart"), cart.cart, "change")
    assert outcome.types() == ["update", "done"]
    assert outcome.update_frames[0]["dep"] == change.id


async def test_two_carts_side_by_side_never_mix():
    cart = module("cart")
    async with PageClient("cart") as alice, PageClient("cart") as bob:
        await alice.click("Add Items", {cart.items_to_add: ["Milk"]})
        await bob.click("Add Items", {cart.items_to_add: ["Water", "Cereal", "Orange Juice"]})
        await alice.click("Add Items")
        await bob.click("Add Items", {cart.items_to_add: ["Water"]})

        assert alice.value("Cart Size") == 2
        assert bob.value("Cart Size") == 4
        assert alice.session_id != bob.session_id


# -- the State component and common patterns -------------------------------------------------------


async def test_counter_increments_per_click():
    async with PageClient("counter") as client:
        await client.click("Increment")
        assert client.value("Current Count") == "Count: 1"
        await client.click("Increment")
        assert client.value("Current Count") == "Count: 2"


async def test_chat_submit_clears_the_textbox_and_grows_the_history():
    chat = module("chat")
    async with PageClient("chat") as client:
        outcome = await client.trigger(chat.msg, "submit", {chat.msg: "Hello there"})
        assert outcome.status == "done"
        assert client.value(chat.msg) == ""
        history = client.value(chat.chatbot)
        assert [m["role"] for m in history] == ["user", "assistant"]
        assert history[0]["content"] == "Hello there"
        assert history[1]["content"] in ("How are you?", "Nice day!", "Interesting!")

        await client.trigger(chat.msg, "submit", {chat.msg: "And again"})
        history = client.value(chat.chatbot)
        assert [m["content"] for m in history[::2]] == ["Hello there", "And again"]


async def test_chat_clear_button_empties_chatbot_and_textbox():
    chat = module("chat")
    async with PageClient("chat") as client:
        await client.trigger(chat.msg, "submit", {chat.msg: "Hello"})
        outcome = await client.click(chat.clear, {chat.msg: "half-typed"})

        assert outcome.updates == {
            chat.msg.id: {"value": ""},
            chat.chatbot.id: {"value": [], "html": []},
        }
        assert client.value(chat.chatbot) == []
        assert client.value(chat.msg) == ""

        # The server forgot the history too: the next message starts a new conversation.
        await client.trigger(chat.msg, "submit", {chat.msg: "Fresh start"})
        assert [m["content"] for m in client.value(chat.chatbot)][:1] == ["Fresh start"]
        assert len(client.value(chat.chatbot)) == 2


async def test_multistep_form_remembers_the_name_until_the_age():
    steps = module("multistep")
    async with PageClient("multistep") as client:
        await client.click("Submit Name", {"Name": "Ada"})
        assert client.value("Status") == "Hello Ada! Now enter your age."

        await client.click("Submit Age", {"Age": 36})
        # gr.Number hands handlers a float unless precision is set, as in Gradio.
        assert client.value("Status") == "Thanks! You are 36.0 years old."

    assert steps.state.value == {}  # the default itself was never touched


async def test_click_history_accumulates():
    async with PageClient("clicks") as client:
        await client.click("Click Me!")
        assert client.value("Click History") == "Click #1"
        await client.click("Click Me!")
        assert client.value("Click History") == "Click #1\nClick #2"


async def test_custom_dataclass_state_accumulates_messages():
    async with PageClient("custom-class") as client:
        await client.click("Add Message", {"Message": "hi"})
        assert client.value("Status") == "Total messages: 1"
        await client.click("Add Message", {"Message": "there"})
        assert client.value("Status") == "Total messages: 2"

        await client.click("Initialize Session")
        assert client.value("Status") == "Session initialized"
        await client.click("Add Message")
        assert client.value("Status") == "Total messages: 1"


async def test_dynamic_init_runs_on_load():
    init = module("dynamic-init")
    client = PageClient("dynamic-init")
    await client.connect()
    frames = await client.hello()

    loads = [f for f in frames if f["type"] == "update"]
    assert loads and all(f["seq"] is None for f in loads)
    assert client.value(init.status) == "Session started"
    await client.close()


async def test_reset_puts_values_back():
    async with PageClient("reset") as client:
        await client.click("Increment")
        await client.click("Increment")
        assert client.value("Messages") == "Count: 2"

        await client.click("Reset")
        assert client.value("Messages") == ""
        assert client.value("Status") == "State cleared"

        await client.click("Increment")
        assert client.value("Messages") == "Count: 1"


async def test_clear_button_resets_textbox_and_state():
    clear = module("clear-button")
    async with PageClient("clear-button") as client:
        outcome = await client.click(clear.clear_btn, {clear.textbox: "typed"})

        assert outcome.updates == {clear.textbox.id: {"value": ""}}
        assert client.value(clear.textbox) == ""
        # State values are never sent to the page.
        assert str(clear.state.id) not in outcome.update_frames[0]["updates"]


async def test_conditional_update_below_and_above_threshold():
    async with PageClient("conditional") as client:
        await client.click("Check and Add", {"Value": 5})
        assert client.value("Status") == "Value 5.0 too low"

        await client.click("Check and Add", {"Value": 15})
        assert client.value("Status") == "Added 15.0 to state"

        await client.click("Check and Add", {"Threshold": 20})
        assert client.value("Status") == "Value 15.0 too low"


async def test_then_chain_runs_both_steps_in_one_event():
    chain = module("chain")
    async with PageClient("chain") as client:
        events_before = sum(
            1 for f in client.sent if isinstance(f, dict) and f.get("type") == "event"
        )
        outcome = await client.click("Process", {"Input": "hello"})
        events_sent = (
            sum(1 for f in client.sent if isinstance(f, dict) and f.get("type") == "event")
            - events_before
        )

        assert events_sent == 1
        assert outcome.types() == ["update", "update", "done"]
        click = dependency(get_app("chain"), chain.btn, "click")
        assert [f["dep"] for f in outcome.update_frames] == [click.id, click.chain[0][1].id]
        assert client.value("After Step 1") == "HELLO"
        assert client.value("After Step 2") == "HELLO!!!"


async def test_interface_state_accumulates_history():
    demo = get_app("interface-state")
    text_in, state = demo.input_components
    text_out, state_out = demo.output_components
    assert state is state_out and isinstance(state, gr.State)

    async with PageClient("interface-state") as client:
        await client.click("Submit", {text_in: "first"})
        assert client.value(text_out) == "first"
        await client.click("Submit", {text_in: "second"})
        assert client.value(text_out) == "first\nsecond"

        await client.click("Clear")
        await client.click("Submit", {text_in: "third"})
        assert client.value(text_out) == "third"


async def test_non_deepcopyable_objects_live_per_session_and_go_on_unload():
    guide = module("non-deepcopyable")
    instances = guide.instances

    async with PageClient("non-deepcopyable") as alice:
        assert alice.value("Status") == "Session initialized!"
        assert isinstance(instances[alice.session_id], guide.NonDeepCopyable)

        await alice.click("Increment Counter")
        await alice.click("Increment Counter")
        assert alice.value("Counter Value") == 2

        async with PageClient("non-deepcopyable") as bob:
            await bob.click("Increment Counter")
            assert bob.value("Counter Value") == 1
            bob_id = bob.session_id
        assert bob_id not in instances

        await alice.click("Increment Counter")
        assert alice.value("Counter Value") == 3
        alice_id = alice.session_id
    assert alice_id not in instances


async def test_non_deepcopyable_instance_survives_a_resumed_drop():
    instances = module("non-deepcopyable").instances
    first = PageClient("non-deepcopyable")
    await first.open()
    await first.click("Increment Counter")
    await first.drop()

    second = PageClient("non-deepcopyable")
    await second.connect()
    await second.hello(resume=first.resume_token)
    assert second.session["resumed"] is True
    assert first.session_id in instances

    await second.click("Increment Counter")
    assert second.value("Counter Value") == 2
    await second.close()
    assert first.session_id not in instances


async def test_non_deepcopyable_instance_goes_when_a_dropped_page_does_not_come_back(settings):
    from blocksstate.sessions.lifecycle import grace_timers

    settings.BLOCKSSTATE = {"RESUME_GRACE": 0}
    instances = module("non-deepcopyable").instances
    client = PageClient("non-deepcopyable")
    await client.open()
    session_id = client.session_id
    assert session_id in instances

    await client.drop()
    ending = grace_timers.get(session_id)
    if ending is not None:  # else the grace period (0 s) is already over and unload has run
        await ending

    assert session_id not in instances


@pytest.mark.parametrize("app", GUIDE_APPS)
async def test_every_guide_app_serves_a_session(app):
    client = PageClient(app)
    await client.connect()
    frames = await client.hello()

    assert [f for f in frames if f["type"] in ("alert", "error")][:-1] == []
    assert client.session["resumed"] is False
    await client.close()


def test_buttons_are_found_by_their_text():
    assert button(get_app("cart"), "Add Items").value == "Add Items"


# -- blocksstate.launch.script: running a Gradio script unchanged ----------------------------------------


def write(path, source):
    path.write_text(source)
    return path


def test_load_script_returns_the_launched_app_without_serving_it(tmp_path):
    original = gr.Blocks.launch
    script = write(
        tmp_path / "launched.py",
        (
            "import blocksstate as gr\n"
            "with gr.Blocks() as other:\n"
            "    gr.Textbox(label='Other')\n"
            "with gr.Blocks() as chosen:\n"
            "    gr.Textbox(label='Chosen')\n"
            "result = chosen.queue().launch(server_port=1)\n"
        ),
    )

    demo = load_script(script)

    assert component(demo, "Chosen")
    assert script_module(script).result is None
    assert gr.Blocks.launch is original


def test_load_script_falls_back_to_demo_then_to_the_only_blocks(tmp_path):
    named = write(
        tmp_path / "named.py",
        (
            "import blocksstate as gr\n"
            "with gr.Blocks() as helper:\n    pass\n"
            "with gr.Blocks() as demo:\n    gr.Number(label='N')\n"
        ),
    )
    only = write(
        tmp_path / "only.py",
        "import blocksstate as gr\nwith gr.Blocks() as app:\n    gr.Number(label='M')\n",
    )

    assert component(load_script(named), "N")
    assert component(load_script(only), "M")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\n", "defines no gr.Blocks"),
        ("import blocksstate as gr\na = gr.Blocks()\nb = gr.Blocks()\n", "several Blocks (a, b)"),
    ],
)
def test_load_script_says_when_there_is_no_app_to_serve(tmp_path, source, message):
    with pytest.raises(ScriptError, match=re.escape(message)):
        load_script(write(tmp_path / "empty.py", source))


def test_a_failing_script_restores_launch_and_leaves_no_module(tmp_path):
    original = gr.Blocks.launch
    script = write(
        tmp_path / "broken_script.py",
        "import blocksstate as gr\ndemo = gr.Blocks()\ndemo.launch()\n1 / 0\n",
    )

    with pytest.raises(ZeroDivisionError):
        load_script(script)

    assert gr.Blocks.launch is original
    assert "blocksstate_scripts.broken_script" not in sys.modules


def test_classes_defined_in_a_script_pickle_under_a_stable_module_name():
    guide = module("custom-class")
    value = guide.UserSession(name="Ada", messages=["hi"])

    assert guide.__name__ == "blocksstate_scripts.custom_class"
    assert guide.UserSession.__module__ == "blocksstate_scripts.custom_class"
    assert pickle.loads(pickle.dumps(value)) == value


def test_scripts_with_the_same_name_in_different_folders_do_not_collide(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        write(
            tmp_path / folder / "same.py",
            (
                "import blocksstate as gr\n"
                f"class Thing:\n    origin = {folder!r}\n"
                "with gr.Blocks() as demo:\n    gr.State(Thing())\n"
            ),
        )

    load_script(tmp_path / "one" / "same.py")
    load_script(tmp_path / "two" / "same.py")
    one, two = (
        script_module(tmp_path / "one" / "same.py"),
        script_module(tmp_path / "two" / "same.py"),
    )

    assert one.__name__ != two.__name__
    assert pickle.loads(pickle.dumps(one.Thing())).origin == "one"
    assert pickle.loads(pickle.dumps(two.Thing())).origin == "two"
