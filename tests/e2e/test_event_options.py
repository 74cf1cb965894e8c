"""The live clock (every=, a Timer, cancels=, js=), as a visitor uses it; js= under a strict CSP."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

APP = "live-clock"


def number(page, label: str) -> float:
    return float(page.get_by_label(label, exact=True).input_value() or 0)


def open_clock(page, site) -> list[str]:
    """Open the clock page under a strict CSP; return the script violations the page reports
    (an eval, or a script without the nonce)."""
    violations: list[str] = []

    def note(message) -> None:
        text = message.text
        if "Content Security Policy" in text and ("script" in text or "eval" in text):
            violations.append(text)

    page.on("console", note)
    open_app(page, site.url, "/live-clock/?csp=strict", APP)
    return violations


def test_the_clock_advances_and_the_timer_stops_and_starts(page, browser_apps_site):
    violations = open_clock(page, browser_apps_site)
    clock = page.get_by_label("Time", exact=True)
    expect(clock).to_have_value(re.compile(r"^\d\d:\d\d:\d\d$"))
    first = clock.input_value()
    expect(clock).not_to_have_value(first, timeout=4000)

    expect(page.get_by_label("Ticks", exact=True)).not_to_have_value("0", timeout=4000)
    page.get_by_role("button", name="Stop the timer").click()
    time.sleep(1.5)  # a tick already sent may still land
    stopped = number(page, "Ticks")
    time.sleep(2.5)
    assert number(page, "Ticks") == stopped
    page.get_by_role("button", name="Start the timer").click()
    expect(page.get_by_label("Ticks", exact=True)).not_to_have_value(
        str(int(stopped)), timeout=4000
    )
    assert not violations


def test_stop_counting_cancels_the_stream(page, browser_apps_site):
    open_clock(page, browser_apps_site)
    page.get_by_role("button", name="Count", exact=True).click()
    expect(page.get_by_label("Count", exact=True)).not_to_have_value("0", timeout=4000)
    time.sleep(0.6)
    page.get_by_role("button", name="Stop counting").click()
    time.sleep(0.8)
    stopped = number(page, "Count")
    assert stopped >= 1
    time.sleep(1.5)
    assert number(page, "Count") == stopped  # the count stopped growing
    # The run is over: the page shows no progress, and Count can run again.
    expect(page.locator(".bs-progress")).to_have_count(0)
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def test_a_js_function_upper_cases_the_words_before_the_server_gets_them(page, browser_apps_site):
    violations = open_clock(page, browser_apps_site)
    page.get_by_label("Words", exact=True).fill("hello there")
    page.get_by_role("button", name="Shout").click()
    expect(page.get_by_label("The server got", exact=True)).to_have_value("HELLO THERE")
    assert not violations
