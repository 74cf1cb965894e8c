"""Components: what they accept from a page, what they show, and who may edit them."""

import threading

import pytest

import blocksstate as gr
from blocksstate.components import InvalidValue, StateNotPicklable
from blocksstate.engine.updates import BadResult, to_update

# -- values from the page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "good", "bad"),
    [
        (lambda: gr.Textbox(), ["", "text", None], [3, ["a"], {"a": 1}]),
        (lambda: gr.Textbox(max_length=3), ["abc"], ["abcd"]),
        (lambda: gr.Number(), [0, 1.5, -2, None], ["1", True, float("nan"), float("inf"), [1]]),
        (lambda: gr.Number(minimum=0, maximum=10), [0, 10], [-1, 10.5]),
        (lambda: gr.Number(precision=0), [3, 3.0], [3.5]),
        (lambda: gr.Slider(0, 5), [0, 2.5, 5], [None, 6, -1, "3"]),
        (lambda: gr.Checkbox(), [True, False], [None, 1, "true"]),
        (
            lambda: gr.CheckboxGroup(["a", "b"]),
            [[], ["a"], ["b", "a"]],
            [None, "a", ["c"], ["a", "a"], [["a"]]],
        ),
        (lambda: gr.Radio(["a", "b"]), ["a", None], ["c", ["a"]]),
        (lambda: gr.Dropdown(["a", "b"]), ["b"], ["z"]),
        (lambda: gr.Dropdown(["a", "b"], allow_custom_value=True), ["z", "a"], [["z"], {"z": 1}]),
        (
            lambda: gr.Dropdown(["a", "b", "c"], multiselect=True, max_choices=2),
            [["a", "b"]],
            [["a", "b", "c"], "a"],
        ),
    ],
)
def test_page_values_are_checked_against_the_schema(make, good, bad):
    component = make()
    for value in good:
        component.preprocess(value)
    for value in bad:
        with pytest.raises(InvalidValue):
            component.preprocess(value)


LONE = "a\ud800b"  # a lone surrogate: a str in Python, but not Unicode any socket can send


CANNOT_CARRY = {
    "Textbox, lone surrogate": (lambda: gr.Textbox(), LONE),
    "Number, int past a float": (lambda: gr.Number(), 10**400),
    "Number(precision=0), int past a float": (lambda: gr.Number(precision=0), -(10**400)),
    "Number(precision=1), int past a float": (lambda: gr.Number(precision=1), 10**400),
    "Slider, int past a float": (lambda: gr.Slider(0, 10**500), 10**400),
    "custom Dropdown, lone surrogate": (
        lambda: gr.Dropdown(["a"], allow_custom_value=True),
        LONE,
    ),
    "custom multiselect, lone surrogate": (
        lambda: gr.Dropdown(["a"], allow_custom_value=True, multiselect=True),
        ["a", LONE],
    ),
    "custom Dropdown, int past a float": (
        lambda: gr.Dropdown(["a"], allow_custom_value=True),
        10**400,
    ),
    "custom Dropdown, NaN": (
        lambda: gr.Dropdown(["a"], allow_custom_value=True),
        float("nan"),
    ),
}


@pytest.mark.parametrize(("make", "bad"), CANNOT_CARRY.values(), ids=CANNOT_CARRY.keys())
def test_a_page_value_the_server_cannot_carry_is_refused(make, bad):
    with pytest.raises(InvalidValue, match="lone surrogate|too large|finite"):
        make().preprocess(bad)


def test_updated_choices_change_what_is_accepted():
    group = gr.CheckboxGroup(["a", "b"])
    props = {"choices": [("Cherry", "c")]}

    assert group.preprocess(["c"], props) == ["c"]
    with pytest.raises(InvalidValue):
        group.preprocess(["a"], props)


def test_number_precision_shapes_what_handlers_get():
    assert gr.Number().to_handler(3) == 3.0 and isinstance(gr.Number().to_handler(3), float)
    assert gr.Number(precision=0).to_handler(3.0) == 3 and isinstance(
        gr.Number(precision=0).to_handler(3.0), int
    )
    assert gr.Number(precision=1).to_handler(2.25) == 2.2


def test_choice_type_index_gives_handlers_positions():
    radio = gr.Radio(["a", "b", "c"], type="index")

    assert radio.to_handler("c") == 2
    assert gr.CheckboxGroup(["a", "b", "c"], type="index").to_handler(["c", "a"]) == [2, 0]


# -- values from handlers --------------------------------------------------------------------------


def test_handler_results_are_shown_as_the_page_expects():
    assert gr.Textbox().postprocess(42) == "42"
    assert gr.Number().postprocess(2.0) == 2
    assert gr.Number().postprocess(7) == 7 and gr.Number(precision=0).postprocess(-7) == -7
    assert type(gr.Number(precision=1).postprocess(7)) is float
    assert gr.Number().postprocess("2.5") == 2.5
    assert gr.Number(precision=0).postprocess(2.6) == 3
    assert gr.CheckboxGroup(["a", "b"]).postprocess("a") == ["a"]
    assert gr.Chatbot().postprocess(None) == []
    assert gr.Markdown().postprocess(7) == "7"
    assert gr.Label().postprocess({"cat": 0.2, "dog": 0.8})["label"] == "dog"


@pytest.mark.parametrize(
    ("component", "value"),
    [
        (gr.Number(), "not a number"),
        (gr.Radio(["a"]), "b"),
        (gr.JSON(), {"x": {1, 2}}),
        (gr.Chatbot(), [{"role": "robot", "content": "hi"}]),
        (gr.Chatbot(), ["just text"]),
        (gr.Slider(0, 1), 2),
        (gr.Textbox(), LONE),
        (gr.Markdown(), LONE),
        (gr.HTML(), LONE),
        (gr.Button(), LONE),
        (gr.Number(), 10**400),
        (gr.Number(), -(10**400)),
        (gr.Number(maximum=10), 11),
        (gr.Number(minimum=0), -1),
        (gr.Number(), True),
        (gr.Number(precision=2), 10**400),
        (gr.Number(), "1e400"),
        (gr.JSON(), {"names": [LONE]}),
        (gr.JSON(), {LONE: 1}),
        (gr.JSON(), [float("inf")]),
        (gr.Label(), {"cat": float("nan")}),
        (gr.Label(), LONE),
        (gr.Chatbot(), [{"role": "user", "content": LONE}]),
        (gr.Chatbot(), [{"role": "user", "content": "hi", "metadata": {"title": LONE}}]),
        (gr.Chatbot(), [[LONE, "hello"]]),
        (gr.Radio([LONE, "b"]), LONE),
    ],
    ids=repr,
)
def test_a_result_a_component_cannot_show_is_an_error_naming_it(component, value):
    with pytest.raises(InvalidValue) as caught:
        component.postprocess(value)

    assert repr(component) in str(caught.value)


def test_chatbot_takes_messages_and_legacy_pairs():
    chatbot = gr.Chatbot()

    assert chatbot.postprocess([["hi", "hello"]]) == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]
    history = [{"role": "user", "content": "hi"}]
    handed = chatbot.to_handler(history)
    handed.append({"role": "assistant", "content": "yo"})
    assert history == [{"role": "user", "content": "hi"}]


def test_initial_values():
    assert gr.Textbox().initial_value() == ""
    assert gr.Slider(2, 5).initial_value() == 2
    assert gr.Dropdown(["x", "y"]).initial_value() == "x"
    assert gr.CheckboxGroup(["x"]).initial_value() == []
    assert gr.Textbox(lambda: "now").initial_value() == "now"


# -- State -----------------------------------------------------------------------------------------


def test_state_refuses_page_values_and_deep_copies_its_default():
    default = {"items": ["a"]}
    with gr.Blocks():
        state = gr.State(default)

    first, _ = state.initial()
    first["items"].append("b")

    assert state.initial()[0] == {"items": ["a"]}
    with pytest.raises(PermissionError):
        state.preprocess(["x"])


def test_an_unpicklable_state_value_is_a_clear_error():
    with gr.Blocks():
        state = gr.State()

    with pytest.raises(StateNotPicklable) as caught:
        state.dumps(threading.Lock())

    message = str(caught.value)
    assert repr(state) in message
    assert "session_hash" in message and "demo.load" in message and "demo.unload" in message


def test_an_unpicklable_state_default_fails_when_the_app_is_built():
    with gr.Blocks(), pytest.raises(StateNotPicklable):
        gr.State(threading.Lock())


# -- who may edit ----------------------------------------------------------------------------------


def test_interactivity_follows_the_events_unless_set():
    with gr.Blocks():
        typed = gr.Textbox(label="Typed")
        shown = gr.Textbox(label="Shown")
        free = gr.Textbox(label="Free")
        locked = gr.Textbox(label="Locked", interactive=False)
        forced = gr.Textbox(label="Forced", interactive=True)
        gr.Button("Go").click(lambda a, b: (a, b), [typed, locked], [shown, forced])

    assert typed.is_interactive()
    assert not shown.is_interactive()
    assert free.is_interactive()
    assert not locked.is_interactive()
    assert forced.is_interactive()


def test_components_a_clear_button_resets_stay_editable():
    with gr.Blocks():
        textbox = gr.Textbox()
        shown = gr.Textbox(label="Shown")
        gr.ClearButton([textbox, shown])
        gr.Button("Go").click(lambda: "x", None, shown)

    assert textbox.is_interactive()
    assert not shown.is_interactive()


def test_display_components_are_never_editable():
    with gr.Blocks():
        parts = [
            gr.Markdown("hi"),
            gr.HTML("<b>x</b>"),
            gr.JSON({}),
            gr.Label("x"),
            gr.Chatbot(),
            gr.Button("b"),
            gr.State(1),
        ]

    assert not any(part.is_interactive() for part in parts)


# -- updates ---------------------------------------------------------------------------------------


def test_gr_update_and_component_instances_become_property_updates():
    box = gr.Textbox(label="Box")

    update = to_update(box, gr.update(value="v", visible=False))
    assert (update.value, update.props) == ("v", {"visible": False})

    update = to_update(box, gr.Textbox(label="New", lines=3))
    assert update.props == {"label": "New", "lines": 3}
    assert not update.has_value


def test_an_unknown_property_is_refused():
    with pytest.raises(BadResult, match="no property colour"):
        to_update(gr.Textbox(label="Box"), gr.update(colour="red"))


def test_layout_blocks_collect_components_in_order():
    with gr.Blocks() as demo:
        with gr.Row():
            left = gr.Textbox(label="Left")
            with gr.Column():
                right = gr.Number(label="Right")
        with gr.Tab("One"):
            inner = gr.Checkbox(label="Inner")

    assert list(demo.components.values()) == [left, right, inner]
    assert right.parent.parent.parent is demo


def test_the_shared_option_types_match_the_constructors_they_feed():
    import inspect

    from blocksstate.components.base import Block, BlockOptions, Component, ComponentOptions

    def keywords(init):
        return {
            name
            for name, p in inspect.signature(init).parameters.items()
            if p.kind is p.KEYWORD_ONLY
        }

    assert set(BlockOptions.__annotations__) == keywords(Block.__init__)
    component_only = {
        name
        for name, p in inspect.signature(Component.__init__).parameters.items()
        if name not in ("self", "value") and p.kind is not p.VAR_KEYWORD
    }
    assert set(ComponentOptions.__annotations__) == component_only | keywords(Block.__init__)
