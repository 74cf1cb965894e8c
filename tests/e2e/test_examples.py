"""Every example page of the demo site, used as the guide says, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app, wait_until_connected

pytestmark = pytest.mark.e2e


@pytest.fixture
def visit(page, demo_server):
    """Open the example page of an app and wait until it is connected; return the page."""

    def go(app: str):
        open_app(page, demo_server.url, f"/{app}/", app)
        return page

    return go


def test_index_links_every_example_and_the_admin(page, demo_server):
    page.goto(demo_server.url + "/")

    expect(page.get_by_role("heading", level=1)).to_have_text("State in Blocks, on Django")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Shopping cart")).to_have_attribute("href", "/cart/")
    expect(main.get_by_role("heading", level=2)).to_have_count(21)
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")
    ).to_be_visible()

    main.get_by_role("link", name="Chained steps").click()
    expect(page).to_have_url(re.compile(r"/chain/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Chained steps")


def test_unknown_example_is_not_found(page, demo_server):
    response = page.goto(demo_server.url + "/no-such-example/")

    assert response is not None and response.status == 404


def test_visitor_count_is_shared_by_every_visitor(new_page, demo_server):
    first = new_page()
    open_app(first, demo_server.url, "/visitors/", "visitors")
    total = first.get_by_label("Total Visitors")
    expect(total).to_have_value(re.compile(r"^\d+$"))
    count = int(total.input_value())

    second = new_page()
    open_app(second, demo_server.url, "/visitors/", "visitors")

    expect(second.get_by_label("Total Visitors")).to_have_value(re.compile(r"^\d+$"))
    assert int(second.get_by_label("Total Visitors").input_value()) > count


def test_a_live_count_reaches_another_visitor_within_a_second(new_page, demo_server):
    clicker, watcher = new_page(), new_page()  # two visitors: two browser contexts
    open_app(clicker, demo_server.url, "/live-counter/", "live-counter")
    open_app(watcher, demo_server.url, "/live-counter/", "live-counter")
    shown = watcher.get_by_label("Clicks by everyone")
    expect(shown).to_have_value(re.compile(r"^\d+$"))
    before = int(shown.input_value())

    clicker.get_by_role("button", name="Click").click()

    # The watcher does nothing: the new count is pushed to its page.
    expect(shown).to_have_value(str(before + 1), timeout=1000)
    expect(clicker.get_by_label("Clicks by everyone")).to_have_value(str(before + 1))


def test_cart_counts_the_items_added(visit):
    page = visit("cart")
    expect(page.get_by_label("Cart Size")).to_have_value("")

    page.get_by_label("Milk", exact=True).check()
    page.get_by_label("Water", exact=True).check()
    page.get_by_role("button", name="Add Items").click()

    expect(page.get_by_label("Cart Size")).to_have_value("2")

    page.get_by_role("button", name="Add Items").click()
    expect(page.get_by_label("Cart Size")).to_have_value("4")


def test_counter_increments(visit):
    page = visit("counter")
    button = page.get_by_role("button", name="Increment")

    # A click is ignored while the previous one is pending (trigger_mode "once", as in
    # Gradio), so each click waits for its result, as a person would.
    for count in (1, 2, 3):
        button.click()
        expect(page.get_by_label("Current Count")).to_have_value(f"Count: {count}")


def test_chat_keeps_the_conversation_and_clears_it(visit):
    page = visit("chat")
    message = page.get_by_role("textbox", name="Type a message...")
    log = page.get_by_role("log", name="Chatbot")

    message.fill("Hello there")
    message.press("Enter")

    expect(log.get_by_role("listitem")).to_have_count(2)
    expect(log.get_by_role("listitem").first).to_contain_text("Hello there")
    expect(log.get_by_role("listitem").last).to_contain_text(
        re.compile("How are you\\?|Nice day!|Interesting!")
    )
    expect(message).to_have_value("")

    message.fill("Second message")
    message.press("Enter")
    expect(log.get_by_role("listitem")).to_have_count(4)

    page.get_by_role("button", name="Clear").click()
    expect(log.get_by_role("listitem")).to_have_count(0)
    expect(message).to_have_value("")


def test_multistep_form_remembers_the_name(visit):
    page = visit("multistep")

    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Submit Name").click()
    expect(page.get_by_label("Status")).to_have_value("Hello Ada! Now enter your age.")

    page.get_by_label("Age").fill("36")
    page.get_by_role("button", name="Submit Age").click()
    expect(page.get_by_label("Status")).to_have_value(
        re.compile(r"^Thanks! You are 36(\.0)? years old\.$")
    )


def test_click_history_lists_every_click(visit):
    page = visit("clicks")
    button = page.get_by_role("button", name="Click Me!")

    for count in (1, 2, 3):
        button.click()
        expect(page.get_by_label("Click History")).to_have_value(re.compile(f"Click #{count}$"))

    expect(page.get_by_label("Click History")).to_have_value("Click #1\nClick #2\nClick #3")


def test_custom_class_counts_messages_until_initialized(visit):
    page = visit("custom-class")

    page.get_by_label("Message").fill("first")
    page.get_by_role("button", name="Add Message").click()
    expect(page.get_by_label("Status")).to_have_value("Total messages: 1")
    page.get_by_label("Message").fill("second")
    page.get_by_role("button", name="Add Message").click()
    expect(page.get_by_label("Status")).to_have_value("Total messages: 2")

    page.get_by_role("button", name="Initialize Session").click()
    expect(page.get_by_label("Status")).to_have_value("Session initialized")
    page.get_by_role("button", name="Add Message").click()
    expect(page.get_by_label("Status")).to_have_value("Total messages: 1")


def test_dynamic_init_runs_on_load(visit):
    page = visit("dynamic-init")

    expect(page.get_by_role("textbox")).to_have_value("Session started")


def test_reset_returns_to_the_initial_values(visit):
    page = visit("reset")
    increment = page.get_by_role("button", name="Increment")

    increment.click()
    expect(page.get_by_label("Messages")).to_have_value("Count: 1")
    increment.click()
    expect(page.get_by_label("Messages")).to_have_value("Count: 2")

    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_label("Messages")).to_have_value("")
    expect(page.get_by_label("Status")).to_have_value("State cleared")

    increment.click()
    expect(page.get_by_label("Messages")).to_have_value("Count: 1")
    expect(page.get_by_label("Status")).to_have_value("")


def test_clear_button_empties_the_textbox(visit):
    page = visit("clear-button")
    textbox = page.get_by_role("textbox")

    textbox.fill("some text")
    page.get_by_role("button", name="Clear").click()

    expect(textbox).to_have_value("")


def test_conditional_update_checks_the_threshold(visit):
    page = visit("conditional")
    expect(page.get_by_label("Threshold")).to_have_value("10")

    page.get_by_label("Value").fill("5")
    page.get_by_role("button", name="Check and Add").click()
    expect(page.get_by_label("Status")).to_have_value(re.compile(r"^Value 5(\.0)? too low$"))

    page.get_by_label("Value").fill("15")
    page.get_by_role("button", name="Check and Add").click()
    expect(page.get_by_label("Status")).to_have_value(re.compile(r"^Added 15(\.0)? to state$"))


def test_chain_runs_both_steps(visit):
    page = visit("chain")

    page.get_by_label("Input").fill("hello")
    page.get_by_role("button", name="Process").click()

    expect(page.get_by_label("After Step 1")).to_have_value("HELLO")
    expect(page.get_by_label("After Step 2")).to_have_value("HELLO!!!")


def test_interface_state_keeps_a_history(visit):
    page = visit("interface-state")
    # As in Gradio, Interface names an input after the function's parameter, an output "output".
    text_input = page.get_by_label("text", exact=True)
    text_output = page.get_by_label("output", exact=True)

    text_input.fill("one")
    page.get_by_role("button", name="Submit").click()
    expect(text_output).to_have_value("one")

    text_input.fill("two")
    page.get_by_role("button", name="Submit").click()
    expect(text_output).to_have_value("one\ntwo")

    page.get_by_role("button", name="Clear").click()
    expect(text_input).to_have_value("")
    expect(text_output).to_have_value("")
    text_input.fill("three")
    page.get_by_role("button", name="Submit").click()
    expect(text_output).to_have_value("three")  # Clear reset the hidden history too


def test_non_deepcopyable_object_counts_per_session(new_page, demo_server):
    page = new_page()
    open_app(page, demo_server.url, "/non-deepcopyable/", "non-deepcopyable")
    expect(page.get_by_label("Status")).to_have_value("Session initialized!")
    button = page.get_by_role("button", name="Increment Counter")

    for count in ("1", "2", "3"):
        button.click()
        expect(page.get_by_label("Counter Value")).to_have_value(count)

    other = new_page()
    open_app(other, demo_server.url, "/non-deepcopyable/", "non-deepcopyable")
    other.get_by_role("button", name="Increment Counter").click()
    expect(other.get_by_label("Counter Value")).to_have_value("1")


def test_saved_credentials_welcome_the_visitor_back(page, demo_server, new_page):
    open_app(page, demo_server.url, "/saved-credentials/", "saved-credentials")
    status = page.get_by_label("Status")
    expect(status).to_have_value("No saved credentials found.")

    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("analytical engine")
    page.get_by_role("button", name="Save Credentials").click()
    expect(status).to_have_value("Credentials saved!")
    # The page stores the server's two tokens once the event is answered.
    page.wait_for_function(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('blocksstate:saved-credentials:')).length === 2"
    )

    page.reload()
    wait_until_connected(page, "saved-credentials")
    expect(page.get_by_label("Status")).to_have_value("Welcome back, ada!")
    expect(page.get_by_label("Username")).to_have_value("")  # as in the guide: only the status

    other = new_page()  # another visitor: nothing saved
    open_app(other, demo_server.url, "/saved-credentials/", "saved-credentials")
    expect(other.get_by_label("Status")).to_have_value("No saved credentials found.")


def test_generate_randomly_keeps_the_values_after_a_refresh(page, demo_server):
    open_app(page, demo_server.url, "/generate-randomly/", "generate-randomly")
    app = page.locator(".bs-app")
    username, password = page.get_by_label("Username"), page.get_by_label("Password")
    expect(username).to_have_value("")
    expect(app.get_by_text("Saved to local storage")).to_be_hidden()

    page.get_by_role("button", name="Generate Randomly").click()
    expect(username).to_have_value(re.compile(r"^[A-Za-z0-9]{10}$"))
    expect(password).to_have_value(re.compile(r"^[A-Za-z0-9]{10}$"))
    expect(
        app.get_by_text(re.compile(r"✅ Saved to local storage at \d\d:\d\d:\d\d [AP]M"))
    ).to_be_visible()
    generated = (username.input_value(), password.input_value())
    page.wait_for_function(
        "() => Object.keys(localStorage).some((k) => k.startsWith('blocksstate:generate-randomly:'))"
    )

    page.reload()
    wait_until_connected(page, "generate-randomly")
    expect(page.get_by_label("Username")).to_have_value(generated[0])
    expect(page.get_by_label("Password")).to_have_value(generated[1])
    # Putting the saved values back changed nothing in storage: no "saved" message.
    expect(page.locator(".bs-app").get_by_text("Saved to local storage")).to_be_hidden()

    page.get_by_label("Username").fill("typed-by-hand")
    expect(page.locator(".bs-app").get_by_text("Saved to local storage at")).to_be_visible()
    page.reload()
    wait_until_connected(page, "generate-randomly")
    expect(page.get_by_label("Username")).to_have_value("typed-by-hand")
    expect(page.get_by_label("Password")).to_have_value(generated[1])


def test_example_pages_have_landmarks_and_one_main_heading(page, demo_server):
    for app in ("cart", "chat", "interface-state"):
        page.goto(f"{demo_server.url}/{app}/")
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("navigation", name="Examples")).to_be_visible()
