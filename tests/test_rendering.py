"""Rendering a Blocks: the render tree, the page config, and the markup of every component."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

import blocksstate as gr
from blocksstate.app.registry import register, unregister
from blocksstate.rendering import Scope, build_tree, page_config, render_app

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


# -- a small DOM to ask questions of rendered HTML ------------------------------------------------


class Element:
    """An element of parsed HTML: tag, attributes, children and text."""

    def __init__(
        self, tag: str, attrs: dict[str, str | None], parent: Element | None = None
    ) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def has(self, name: str) -> bool:
        return name in self.attrs

    @property
    def classes(self) -> list[str]:
        return (self.get("class") or "").split()

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'} {attrs}> in {self!r}"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        return self.find(id=element_id)

    def component(self, component_id: int) -> Element:
        return self.find(data_bs_id=str(component_id))

    def label_for(self, control: Element) -> Element:
        return self.find("label", **{"for": control.get("id")})


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        # As browsers do, drop the newline that directly follows <textarea> or <pre>.
        if self.current.tag in ("textarea", "pre") and not self.current.children:
            data = data.removeprefix("\n")
        self.current.children.append(data)


def parse_html(html: str) -> Element:
    """Parse HTML into an Element tree (the root is a ``#root`` element)."""
    builder = _Builder()
    builder.feed(str(html))
    builder.close()
    return builder.root


def accessible_name(dom: Element, control: Element) -> str:
    """The name a screen reader gives a form control: aria-label, else its label's text."""
    if control.get("aria-label"):
        return control.get("aria-label")
    return dom.label_for(control).text.strip()


# -- apps ------------------------------------------------------------------------------------------


@pytest.fixture
def app_named():
    """Register Blocks under a name for the test, and unregister them after."""
    names: list[str] = []

    def register_as(name: str, blocks: gr.Blocks) -> gr.Blocks:
        register(name, blocks)
        names.append(name)
        return blocks

    yield register_as
    for name in names:
        unregister(name)


def cart_app() -> gr.Blocks:
    with gr.Blocks() as demo:
        cart = gr.State([])
        items = gr.CheckboxGroup(["Cereal", "Milk", "Orange Juice", "Water"])
        gr.Button("Add Items").click(lambda new, old: old + new, [items, cart], cart)
        size = gr.Number(label="Cart Size")
        cart.change(lambda c: len(c), cart, size)
    return demo


def render(app_named, name: str, blocks: gr.Blocks) -> Element:
    app_named(name, blocks)
    return parse_html(render_app(blocks, name))


# -- the tree --------------------------------------------------------------------------------------


def test_tree_follows_the_layout_and_leaves_state_out():
    with gr.Blocks() as demo:
        gr.State(0)
        with gr.Row():
            name = gr.Textbox(label="Name")
            go = gr.Button("Go")
        out = gr.Markdown("Hi")
    demo.name = "tree"

    nodes = build_tree(demo)

    assert [node.template_name for node in nodes] == [
        "blocksstate/components/row.html",
        "blocksstate/components/markdown.html",
    ]
    row, markdown = nodes
    assert [child.block for child in row.children] == [name, go]
    assert markdown.block is out
    textbox = row.children[0].context
    assert textbox["id"] == name.id
    assert textbox["dom_id"] == f"bs-tree-{name.id}"
    assert textbox["value"] == ""
    assert textbox["label"] == "Name"
    assert textbox["schema"] == {"kind": "string", "nullable": True}
    assert textbox["editable"] is True


def test_a_component_class_gives_its_template_its_context_and_its_name():
    class Rating(gr.Number):
        template_name = "rating"
        type_name = "Star rating"

        def template_context(self, context):
            return {"stars": "*" * context["value"]}

    class TinyButton(gr.Button):
        pass

    with gr.Blocks() as demo:
        rating = Rating(3)
        TinyButton("Go")
        gr.Row()
    demo.name = "rating"

    nodes = build_tree(demo)
    stars, tiny, row = (node.context for node in nodes)

    assert nodes[0].template_name == "blocksstate/components/rating.html"
    assert stars["stars"] == "***"
    assert stars["type"] == "rating"
    assert stars["accessible_name"] == "Star rating"
    assert stars["block"] is rating
    # A subclass that keeps its parent's template keeps its name; a layout is named by its class.
    assert (tiny["type"], tiny["type_name"], tiny["text"]) == ("button", "Button", "Go")
    assert row["type_name"] == "Row"


def test_a_callable_value_is_called_once_per_render():
    calls = []

    def now():
        calls.append(1)
        return f"call {len(calls)}"

    with gr.Blocks() as demo:
        gr.Textbox(now, label="Stamp")
    demo.name = "stamp"

    dom = parse_html(render_app(demo))

    assert len(calls) == 1
    assert dom.find("input").get("value") == "call 1"


def test_ids_are_scoped_per_rendering_and_elem_id_wins():
    with gr.Blocks():
        plain = gr.Textbox(label="Plain")
        named = gr.Textbox(label="Named", elem_id="my-box")

    first, second = Scope("shop"), Scope("shop", instance=2)

    assert first.dom_id(plain) == f"bs-shop-{plain.id}"
    assert second.dom_id(plain) == f"bs-shop--2-{plain.id}"
    assert first.dom_id(named) == "my-box"
    assert second.dom_id(named) == "my-box--2"
    assert (first.key, second.key) == ("shop", "shop#2")


# -- the page config -------------------------------------------------------------------------------


def test_page_config_lists_what_a_page_may_trigger(app_named):
    demo = app_named("r-cfg-cart", cart_app())

    config = page_config(demo)

    assert config["app"] == "r-cfg-cart"
    assert config["protocol"] == 1
    assert config["ws"] == "/ws/blocks/r-cfg-cart/"
    assert config["components"] == {
        "2": {"type": "checkboxgroup", "editable": True, "events": []},
        "3": {"type": "button", "editable": False, "events": ["click"]},
        "4": {"type": "number", "editable": False, "events": []},
    }
    # The click, not the State.change listener (the server runs that one itself).
    assert config["dependencies"] == [
        {
            "id": 0,
            "triggers": [[3, "click"]],
            "trigger_mode": "once",
            "show_progress": "full",
            "outputs": [],
        }
    ]


def test_page_config_keeps_modes_and_page_outputs():
    with gr.Blocks() as demo:
        text = gr.Textbox(label="Text")
        count = gr.State(0)
        shown = gr.Number(label="Length")
        text.change(
            lambda t, c: (len(t), c + 1), [text, count], [shown, count], show_progress="hidden"
        )
        gr.on([text.submit, text.blur], lambda t: t, text, shown, trigger_mode="multiple")
    demo.name = "modes"

    dependencies = page_config(demo)["dependencies"]

    assert dependencies[0] == {
        "id": 0,
        "triggers": [[text.id, "change"]],
        "trigger_mode": "always_last",
        "show_progress": "hidden",
        "outputs": [shown.id],
    }
    assert dependencies[1]["triggers"] == [[text.id, "submit"], [text.id, "blur"]]
    assert dependencies[1]["trigger_mode"] == "multiple"
    assert page_config(demo)["components"][str(text.id)]["events"] == ["blur", "change", "submit"]


def test_page_config_says_where_files_are_uploaded_and_names_the_pass_cookie(app_named):
    demo = app_named("r-cfg-files", cart_app())

    with override_settings(BLOCKSSTATE={"FILE_PASS_COOKIE": "my_pass"}):
        files = page_config(demo)["files"]

    assert files["pass_cookie"] == "my_pass"
    # The upload URL is the project's blocksstate:upload, or None where it has none.
    try:
        expected = reverse("blocksstate:upload", args=["r-cfg-files"])
    except NoReverseMatch:
        expected = None
    assert files["upload_url"] == expected
    # Files bigger than one chunk go to the chunk URL, in chunks of the setting's size.
    assert files["chunk_url"] == (expected and expected + "chunk/")
    assert files["chunk_bytes"] == 4 * 1024 * 1024
    assert set(files) == {"upload_url", "chunk_url", "chunk_bytes", "pass_cookie"}


def test_an_unregistered_app_has_no_page_config():
    with pytest.raises(ValueError, match="register"):
        page_config(gr.Blocks())


def test_the_config_is_embedded_as_json(app_named):
    dom = render(app_named, "r-embed", cart_app())

    root = dom.find(class_="bs-app")
    script = dom.by_id(root.get("data-bs-config"))
    assert script.tag == "script" and script.get("type") == "application/json"
    assert json.loads(script.text)["app"] == "r-embed"
    assert root.get("data-bs-app") == "r-embed"
    assert dom.find(role="status") is not None


# -- markup of each component ----------------------------------------------------------------------


def test_textbox_label_names_its_input(app_named):
    with gr.Blocks() as demo:
        box = gr.Textbox(label="Your name", value="Ada", info="As on your passport", max_length=20)
    dom = render(app_named, "r-tb", demo)

    control = dom.component(box.id).find("input")
    label = dom.label_for(control)
    assert label.text == "Your name" and not label.has("hidden")
    assert control.get("type") == "text"
    assert control.get("value") == "Ada"
    assert control.get("maxlength") == "20"
    assert dom.by_id(control.get("aria-describedby")).text == "As on your passport"


def test_a_component_without_label_is_named_by_its_placeholder_or_type(app_named):
    with gr.Blocks() as demo:
        message = gr.Textbox(placeholder="Type a message...")
        bare = gr.Number()
        group = gr.CheckboxGroup(["a"])
    dom = render(app_named, "r-nolabel", demo)

    assert accessible_name(dom, dom.component(message.id).find("input")) == "Type a message..."
    assert dom.component(message.id).find("input").get("placeholder") == "Type a message..."
    assert accessible_name(dom, dom.component(bare.id).find("input")) == "Number"
    assert dom.component(group.id).find("legend").text == "Checkbox group"


def test_multiline_password_and_readonly_textboxes(app_named):
    with gr.Blocks() as demo:
        notes = gr.Textbox(label="Notes", lines=4, value="\nfirst line kept\n<b>not bold</b>")
        secret = gr.Textbox(label="Secret", type="password")
        result = gr.Textbox(label="Result")
        gr.Button("Go").click(lambda n: n, notes, result)
    dom = render(app_named, "r-tb2", demo)

    area = dom.component(notes.id).find("textarea")
    assert area.get("rows") == "4"
    assert area.text == "\nfirst line kept\n<b>not bold</b>"
    assert accessible_name(dom, area) == "Notes"
    assert dom.component(secret.id).find("input").get("type") == "password"
    output = dom.component(result.id).find("input")
    assert output.has("readonly")
    assert "bs-readonly" in dom.component(result.id).classes


def test_a_one_line_textbox_holding_several_lines_keeps_them(app_named):
    with gr.Blocks() as demo:
        history = gr.Textbox(label="History", value="one\ntwo")
        fixed = gr.Textbox(label="Fixed", value="one\ntwo", max_lines=1)
    dom = render(app_named, "r-tb3", demo)

    area = dom.component(history.id).find("textarea")
    assert area.text == "one\ntwo"
    assert area.get("rows") == "2"
    assert dom.component(fixed.id).find("input").get("type") == "text"


def test_numbers_and_sliders_are_native_and_never_localised(app_named):
    with gr.Blocks() as demo:
        age = gr.Number(label="Age", value=2.5, minimum=0, maximum=120, step=0.5)
        level = gr.Slider(0, 10, value=3, step=1, label="Level")
    with translation.override("de"), override_settings(USE_THOUSAND_SEPARATOR=True):
        dom = render(app_named, "r-num", demo)

    number = dom.component(age.id).find("input")
    assert (
        number.get("type"),
        number.get("value"),
        number.get("min"),
        number.get("max"),
        number.get("step"),
    ) == ("number", "2.5", "0", "120", "0.5")
    assert accessible_name(dom, number) == "Age"
    slider = dom.component(level.id).find("input")
    assert (slider.get("type"), slider.get("value"), slider.get("min"), slider.get("max")) == (
        "range",
        "3",
        "0",
        "10",
    )
    assert accessible_name(dom, slider) == "Level"


def test_checkbox_group_is_a_fieldset_of_boxes_named_by_their_choice(app_named):
    with gr.Blocks() as demo:
        group = gr.CheckboxGroup(
            [("One", 1), ("Two", 2)], value=[2], label="Numbers", info="Pick some"
        )
    dom = render(app_named, "r-group", demo)

    fieldset = dom.component(group.id).find("fieldset")
    assert fieldset.find("legend").text == "Numbers"
    boxes = fieldset.find_all("input")
    assert [b.get("type") for b in boxes] == ["checkbox", "checkbox"]
    assert [accessible_name(dom, b) for b in boxes] == ["One", "Two"]
    assert [json.loads(b.get("data-bs-value")) for b in boxes] == [1, 2]
    assert [b.has("checked") for b in boxes] == [False, True]
    assert dom.by_id(fieldset.get("aria-describedby")).text == "Pick some"


def test_radio_is_a_fieldset_of_radio_buttons(app_named):
    with gr.Blocks() as demo:
        colour = gr.Radio(["Red", "Green"], value="Green", label="Colour")
    dom = render(app_named, "r-radio", demo)

    fieldset = dom.component(colour.id).find("fieldset")
    assert fieldset.find("legend").text == "Colour"
    radios = fieldset.find_all("input", type="radio")
    assert [accessible_name(dom, r) for r in radios] == ["Red", "Green"]
    assert len({r.get("name") for r in radios}) == 1
    assert [r.has("checked") for r in radios] == [False, True]


def test_dropdowns_are_selects(app_named):
    with gr.Blocks() as demo:
        fruit = gr.Dropdown(["Apple", "Pear"], value="Pear", label="Fruit")
        letters = gr.Dropdown(["A", "B", "C"], value=["A", "C"], multiselect=True, label="Letters")
        custom = gr.Dropdown(["x"], value="mine", allow_custom_value=True, label="Custom")
    dom = render(app_named, "r-dd", demo)

    select = dom.component(fruit.id).find("select")
    assert accessible_name(dom, select) == "Fruit"
    assert not select.has("multiple")
    assert [(o.text, o.has("selected")) for o in select.find_all("option")] == [
        ("Apple", False),
        ("Pear", True),
    ]
    many = dom.component(letters.id).find("select")
    assert many.has("multiple")
    assert [o.text for o in many.find_all("option") if o.has("selected")] == ["A", "C"]
    assert [o.text for o in dom.component(custom.id).find_all("option") if o.has("selected")] == [
        "mine"
    ]


def test_checkbox_is_labelled_and_disabled_when_not_interactive(app_named):
    with gr.Blocks() as demo:
        agree = gr.Checkbox(label="I agree", value=True, interactive=False)
    dom = render(app_named, "r-cb", demo)

    box = dom.component(agree.id).find("input")
    assert box.get("type") == "checkbox" and box.has("checked") and box.has("disabled")
    assert accessible_name(dom, box) == "I agree"


def test_buttons_are_buttons_with_their_value_as_text(app_named):
    with gr.Blocks() as demo:
        go = gr.Button("Add Items", variant="primary")
        off = gr.Button("Off", interactive=False)
    dom = render(app_named, "r-btn", demo)

    button = dom.component(go.id).find("button")
    assert button.get("type") == "button" and button.text == "Add Items"
    assert "bs-variant-primary" in button.classes
    assert dom.component(off.id).find("button").has("disabled")


def test_markdown_is_rendered_safely(app_named):
    with gr.Blocks() as demo:
        text = gr.Markdown("**Hello** <script>alert(1)</script> <img src=x onerror=alert(1)>")
    dom = render(app_named, "r-md", demo)

    prose = dom.component(text.id).find(class_="bs-prose")
    assert prose.find("strong").text == "Hello"
    assert not prose.find_all("script") and not prose.find_all("img")
    assert "<script>alert(1)</script>" in prose.text  # shown as text


def test_chatbot_is_a_polite_log_of_messages(app_named):
    with gr.Blocks() as demo:
        chat = gr.Chatbot(
            value=[
                {"role": "user", "content": "Hi <script>x()</script>"},
                {"role": "assistant", "content": "**Hello**"},
            ]
        )
    dom = render(app_named, "r-chat", demo)

    log = dom.component(chat.id).find(role="log")
    assert log.get("aria-live") == "polite"
    assert dom.by_id(log.get("aria-labelledby")).text == "Chatbot"
    messages = log.find_all("li")
    assert [m.classes for m in messages] == [
        ["bs-message", "bs-message-user"],
        ["bs-message", "bs-message-assistant"],
    ]
    assert not log.find_all("script")
    assert messages[1].find("strong").text == "Hello"


def test_json_and_label_show_their_values(app_named):
    with gr.Blocks() as demo:
        data = gr.JSON({"a": [1, 2]}, label="Data")
        guess = gr.Label({"cat": 0.75, "dog": 0.25}, label="Prediction")
    dom = render(app_named, "r-disp", demo)

    assert json.loads(dom.component(data.id).find("pre").text) == {"a": [1, 2]}
    assert dom.component(data.id).find("figcaption").text == "Data"
    label = dom.component(guess.id)
    assert label.find("figcaption").text == "Prediction"
    assert label.find(class_="bs-label-top").text == "cat"
    items = label.find("ul").find_all("li")
    assert [i.find(class_="bs-confidence-name").text for i in items] == ["cat", "dog"]
    assert [i.find("meter").get("value") for i in items] == ["0.750000", "0.250000"]
    assert [i.find(class_="bs-confidence-value").text for i in items] == ["75%", "25%"]


def test_wrappers_carry_id_type_classes_and_visibility(app_named):
    with gr.Blocks() as demo:
        shown = gr.Textbox(label="Shown", elem_classes=["wide", "mine"])
        hidden = gr.Textbox(label="Hidden", visible=False, elem_id="secret-box")
        timer = gr.Timer(2.5, active=False)
        timer.tick(lambda: None)
    dom = render(app_named, "r-wrap", demo)

    wrapper = dom.component(shown.id)
    assert wrapper.get("data-bs-type") == "textbox"
    assert wrapper.get("id") == f"bs-r-wrap-{shown.id}"
    assert {"bs-block", "bs-textbox", "wide", "mine"} <= set(wrapper.classes)
    assert not wrapper.has("hidden")
    assert dom.component(hidden.id).has("hidden")
    assert dom.component(hidden.id).get("id") == "secret-box"
    clock = dom.component(timer.id)
    assert clock.has("hidden")
    assert (clock.get("data-bs-interval"), clock.get("data-bs-active")) == ("2.5", "false")


def test_tabs_show_the_selected_tab_and_accordions_are_details(app_named):
    with gr.Blocks() as demo:
        with gr.Tabs(selected="second") as tabs:
            with gr.Tab("First"):
                gr.Markdown("one")
            with gr.Tab("Second", id="second"):
                gr.Markdown("two")
        with gr.Accordion("More", open=False) as more:
            gr.Markdown("hidden until opened")
    dom = render(app_named, "r-layout", demo)

    tablist = dom.component(tabs.id).find(role="tablist")
    buttons = tablist.find_all(role="tab")
    assert [(b.text, b.get("aria-selected")) for b in buttons] == [
        ("First", "false"),
        ("Second", "true"),
    ]
    panels = [dom.by_id(b.get("aria-controls")) for b in buttons]
    assert [p.get("role") for p in panels] == ["tabpanel", "tabpanel"]
    assert [p.has("hidden") for p in panels] == [True, False]
    assert panels[1].get("aria-labelledby") == buttons[1].get("id")
    details = dom.component(more.id)
    assert details.tag == "details" and not details.has("open")
    assert details.find("summary").text == "More"


def test_a_project_can_override_a_component_template(app_named, tmp_path):
    (tmp_path / "blocksstate" / "components").mkdir(parents=True)
    (tmp_path / "blocksstate" / "components" / "button.html").write_text(
        '<div{{ attrs }}><button type="button" class="fancy">{{ text }}!</button></div>'
    )
    templates = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [str(tmp_path)],
            "APP_DIRS": True,
        }
    ]
    with gr.Blocks() as demo:
        go = gr.Button("Go")

    with override_settings(TEMPLATES=templates):
        dom = render(app_named, "r-override", demo)

    assert dom.component(go.id).find("button").classes == ["fancy"]
    assert dom.component(go.id).find("button").text == "Go!"
