"""Template tags: ``{% blocks "name" %}`` renders an app, ``{% blocks_assets %}`` the client."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory

import blocksstate as gr
from blocksstate.app.registry import register, unregister
from tests.test_rendering import accessible_name, cart_app, parse_html


@pytest.fixture
def cart():
    """The guide's shopping cart, registered as "tt-cart"."""
    demo = register("tt-cart", cart_app())
    yield demo
    unregister("tt-cart")


def render(source: str, context: dict | None = None, request=None) -> str:
    template = Template("{% load blocksstate %}" + source)
    if request is not None:
        return template.render(RequestContext(request, context or {}))
    return template.render(Context(context or {}))


def config_of(dom, root) -> dict:
    return json.loads(dom.by_id(root.get("data-bs-config")).text)


# -- {% blocks %} ----------------------------------------------------------------------------------


def test_cart_renders_a_fieldset_of_four_labelled_checkboxes(cart):
    dom = parse_html(render('{% blocks "tt-cart" %}'))

    fieldset = dom.find("fieldset")
    assert fieldset.find("legend").text  # the group has a name, even without a label
    boxes = fieldset.find_all("input", type="checkbox")
    assert [accessible_name(dom, box) for box in boxes] == [
        "Cereal",
        "Milk",
        "Orange Juice",
        "Water",
    ]
    assert not any(box.has("checked") for box in boxes)
    assert dom.find("button", type="button").text == "Add Items"
    size = dom.find("input", type="number")
    assert accessible_name(dom, size) == "Cart Size"
    assert dom.label_for(size).tag == "label"
    assert size.has("readonly")  # an output only


def test_page_config_lists_the_click_but_not_the_state_change(cart):
    dom = parse_html(render('{% blocks "tt-cart" %}'))

    config = config_of(dom, dom.find(class_="bs-app"))
    assert config["ws"] == "/ws/blocks/tt-cart/"
    assert [d["triggers"] for d in config["dependencies"]] == [[[3, "click"]]]
    assert "1" not in config["components"]  # the State: never on the page


def test_initial_values_are_on_the_page_before_the_socket_opens():
    with gr.Blocks() as demo:
        gr.Textbox(label="Greeting", value="Hello <world>")
        gr.Number(label="Count", value=7)
        gr.Checkbox(label="Ready", value=True)
        gr.Markdown("**Welcome**")
    register("tt-values", demo)
    try:
        dom = parse_html(render('{% blocks "tt-values" %}'))
    finally:
        unregister("tt-values")

    values = {
        accessible_name(dom, i): i.get("value") or i.has("checked") for i in dom.find_all("input")
    }
    assert values == {"Greeting": "Hello <world>", "Count": "7", "Ready": True}
    assert dom.find(class_="bs-prose").find("strong").text == "Welcome"


def test_hidden_components_are_hidden(cart):
    with gr.Blocks() as demo:
        gr.Textbox(label="Later", visible=False)
        with gr.Row(visible=False):
            gr.Button("Nope")
    register("tt-hidden", demo)
    try:
        dom = parse_html(render('{% blocks "tt-hidden" %}'))
    finally:
        unregister("tt-hidden")

    assert dom.find(data_bs_type="textbox").has("hidden")
    assert dom.find(data_bs_type="row").has("hidden")


def test_an_app_can_be_given_as_a_variable(cart):
    dom = parse_html(render("{% blocks app %}", {"app": cart}))

    assert dom.find(class_="bs-app").get("data-bs-app") == "tt-cart"


def test_an_unknown_app_is_a_clear_template_error(cart):
    with pytest.raises(TemplateSyntaxError) as error:
        render('{% blocks "nope" %}')

    message = str(error.value)
    assert "'nope'" in message
    assert "'tt-cart'" in message  # names what is registered
    assert "blocksstate.register" in message


def test_an_unregistered_blocks_object_is_refused():
    with pytest.raises(TemplateSyntaxError, match="not registered"):
        render("{% blocks app %}", {"app": gr.Blocks()})


def test_one_app_twice_on_a_page_gets_distinct_ids(cart):
    request = RequestFactory().get("/")
    dom = parse_html(render('{% blocks "tt-cart" %}{% blocks "tt-cart" %}', request=request))

    first, second = dom.find_all("div", class_="bs-app")
    assert (first.get("data-bs-key"), second.get("data-bs-key")) == ("tt-cart", "tt-cart#2")
    assert first.get("id") != second.get("id")
    ids = [element.get("id") for element in dom.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert config_of(dom, first) == config_of(dom, second)
    # Each checkbox still names its own label.
    for box in dom.find_all("input", type="checkbox"):
        assert dom.label_for(box).text in {"Cereal", "Milk", "Orange Juice", "Water"}


def test_developer_css_is_added_with_the_nonce(cart):
    with gr.Blocks(css=".x > .y { color: red } </style><script>") as demo:
        gr.Markdown("styled")
    register("tt-css", demo)
    try:
        html = render('{% blocks "tt-css" %}', {"csp_nonce": "n0nce"})
    finally:
        unregister("tt-css")

    assert '<style nonce="n0nce">.x > .y { color: red } <\\/style><script></style>' in html


# -- {% blocks_assets %} ---------------------------------------------------------------------------


def test_assets_add_the_stylesheet_and_the_module_client():
    dom = parse_html(render("{% blocks_assets %}"))

    assert dom.find("link", rel="stylesheet").get("href") == "/static/blocksstate/blocksstate.css"
    script = dom.find("script")
    assert (script.get("type"), script.get("src")) == ("module", "/static/blocksstate/client.js")
    assert not script.has("nonce")


def test_assets_carry_the_request_csp_nonce():
    request = RequestFactory().get("/")
    request.csp_nonce = "abc123"  # as django-csp sets it

    dom = parse_html(render("{% blocks_assets %}", request=request))

    assert dom.find("script", type="module").get("nonce") == "abc123"
    assert dom.find("link", rel="stylesheet").get("nonce") == "abc123"


def test_assets_carry_a_context_csp_nonce():
    dom = parse_html(render("{% blocks_assets %}", {"csp_nonce": "ctx-nonce"}))

    assert dom.find("script", type="module").get("nonce") == "ctx-nonce"


class LazyNonce:
    """Like Django 6's nonce: false until it has been read."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.read = False

    def __bool__(self) -> bool:
        return self.read

    def __str__(self) -> str:
        self.read = True
        return self.value


def test_a_lazy_nonce_is_read_so_that_it_reaches_the_header():
    nonce = LazyNonce("lazy-1")

    dom = parse_html(render("{% blocks_assets %}", {"csp_nonce": nonce}))

    assert dom.find("script", type="module").get("nonce") == "lazy-1"
    assert nonce.read


def test_django_builtin_csp_nonce_is_used_and_sent(settings):
    csp = pytest.importorskip("django.middleware.csp", reason="Django 6's built-in CSP")
    from django.http import HttpResponse
    from django.utils.csp import CSP

    settings.SECURE_CSP = {"script-src": [CSP.SELF, CSP.NONCE]}
    middleware = csp.ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    middleware.process_request(request)

    dom = parse_html(render("{% blocks_assets %}", request=request))
    response = middleware.process_response(request, HttpResponse())

    nonce = dom.find("script", type="module").get("nonce")
    assert nonce and f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]


def test_assets_are_added_once_per_page():
    request = RequestFactory().get("/")

    html = render("{% blocks_assets %}{% blocks_assets %}", request=request)

    assert html.count("client.js") == 1


def test_a_page_that_forgot_the_assets_gets_them_once_with_its_first_app(cart):
    request = RequestFactory().get("/")

    html = render(
        '{% blocks "tt-cart" %}{% blocks "tt-cart" %}{% blocks_assets %}', request=request
    )

    assert html.count('src="/static/blocksstate/client.js"') == 1
    assert html.index("client.js") < html.index("bs-app")
    assert html.count("blocksstate.css") == 1


def test_every_module_the_client_imports_is_preloaded():
    html = render("{% blocks_assets %}")
    preloaded = set(re.findall(r'rel="modulepreload" href="/static/(blocksstate/[\w.-]+)"', html))
    static = Path(__file__).resolve().parent.parent / "blocksstate/static/blocksstate"
    imported = {
        f"blocksstate/{name}"
        for path in static.glob("*.js")
        for name in re.findall(r'from "\./([\w.-]+\.js)"', path.read_text())
    }
    assert imported and imported <= preloaded


# -- the bare page view ----------------------------------------------------------------------------


def test_app_page_shows_the_app_with_its_title(client, cart):
    cart.title = "Shopping cart"

    response = client.get("/blocksstate/apps/tt-cart/")

    assert response.status_code == 200
    dom = parse_html(response.content.decode())
    assert dom.find("title").text == "Shopping cart"
    assert dom.find("script", type="module").get("src") == "/static/blocksstate/client.js"
    assert dom.find("main").find(class_="bs-app").get("data-bs-app") == "tt-cart"
    assert dom.find("html").get("lang")


def test_app_page_of_an_unknown_app_is_not_found(client):
    assert client.get("/blocksstate/apps/no-such-app/").status_code == 404
