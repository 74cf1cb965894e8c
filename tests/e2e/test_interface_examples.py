"""gr.Interface with examples, additional inputs, title and article, used in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e


@pytest.fixture
def card(page, demo_server):
    open_app(page, demo_server.url, "/interface-examples/", "interface-examples")
    return page


def test_the_title_description_and_article_are_shown(card):
    app = card.get_by_role("region", name="Live example")
    expect(app.get_by_role("heading", name="Greeting card")).to_be_visible()
    expect(app.get_by_text("Pick an example or type a name")).to_be_visible()
    expect(app.get_by_text("The examples fill the inputs")).to_be_visible()


def test_clicking_an_example_fills_the_inputs_and_submit_runs_it(card):
    examples = card.get_by_role("table", name="Examples")
    examples.get_by_role("button", name="Grace, Formal").click()

    expect(card.get_by_label("Name")).to_have_value("Grace")
    expect(card.get_by_role("radio", name="Formal")).to_be_checked()
    expect(card.get_by_label("Greeting")).to_have_value("")

    card.get_by_role("button", name="Submit").click()
    expect(card.get_by_label("Greeting")).to_have_value("Good day, Grace")


def test_the_accordion_opens_on_the_additional_input_an_example_set(card):
    exclamations = card.get_by_role("slider", name="Exclamation marks")
    expect(exclamations).to_be_hidden()

    card.get_by_role("table", name="Examples").get_by_role("button", name="Anne, Pirate").click()
    expect(card.get_by_label("Name")).to_have_value("Anne")
    card.get_by_role("region", name="Live example").get_by_text(
        "Additional Inputs", exact=True
    ).click()

    expect(exclamations).to_be_visible()
    expect(exclamations).to_have_value("3")


def test_an_example_with_run_on_click_runs_the_function_at_once(card):
    run = card.get_by_role("table", name="Run on click")
    run.get_by_role("button", name="Linus, Pirate, 2").click()

    expect(card.get_by_label("Greeting")).to_have_value("Ahoy, Linus!!")
    expect(card.get_by_label("Name")).to_have_value("Linus")
    expect(run.get_by_role("button", name="Linus, Pirate, 2")).to_have_attribute(
        "aria-current", "true"
    )
