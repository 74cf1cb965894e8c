"""While an event runs, its output shows how long it has run, its queue, and its progress bar.

The handlers hold until the test releases them from another page (``browser_apps/progress``),
so nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.support import TIMEOUT_MS, open_app

pytestmark = pytest.mark.e2e

APP = "progress"
PROCESSING = re.compile(r"^processing \| (\d+\.\d)s$")
QUEUED = re.compile(r"^queued \| (\d+\.\d)s$")
# "5/10 rows | 1.3s | ETA 0.8s": the step, the time run, and the time left at the bar's rate.
STEPS = re.compile(r"^5/10 rows \| (\d+\.\d)s \| ETA (\d+\.\d)s$")
_jobs = itertools.count(1)


def new_job(name: str) -> str:
    return f"{name}-{next(_jobs)}-{time.monotonic_ns()}"


def open_progress(page, site) -> None:
    open_app(page, site.url, f"/blocksstate/apps/{APP}/", APP)


def result_box(page):
    """The Result component's block, where its timer and bar show."""
    return page.get_by_label("Result", exact=True).locator("xpath=..")


def start(page, job: str, button: str) -> None:
    page.get_by_label("Job", exact=True).fill(job)
    page.get_by_role("button", name=button, exact=True).click()


def gate(page, job: str, button: str) -> str:
    """Click Release or Check for ``job`` on the gate page; return what it says."""
    page.get_by_label("Job", exact=True).fill(job)
    box = page.get_by_label("Gate", exact=True)
    before = box.input_value()
    page.get_by_role("button", name=button, exact=True).click()
    expect(box).not_to_have_value(before)
    return box.input_value()


def wait_until_held(page, job: str) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not gate(page, job, "Check").startswith(f"{job} held"):
        assert time.monotonic() < deadline, f"{job} never started"


def shown_seconds(timer, pattern: re.Pattern[str]) -> float:
    expect(timer).to_have_text(pattern)
    match = pattern.match(timer.text_content() or "")
    assert match, timer.text_content()
    return float(match.group(1))


def test_the_output_counts_the_seconds_while_the_handler_runs(new_page, browser_apps_site):
    page, gate_page = new_page(), new_page()
    open_progress(page, browser_apps_site)
    open_progress(gate_page, browser_apps_site)
    job = new_job("count")

    start(page, job, "Work")
    timer = result_box(page).get_by_role("timer")
    first = shown_seconds(timer, PROCESSING)
    # The page counts on its own: the number grows with no frame from the server.
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while shown_seconds(timer, PROCESSING) < first + 0.5:
        assert time.monotonic() < deadline, "the seconds did not grow"
        time.sleep(0.1)

    gate(gate_page, job, "Release")
    expect(page.get_by_label("Result", exact=True)).to_have_value(f"{job} done")
    expect(page.get_by_role("timer")).to_have_count(0)
    expect(result_box(page)).not_to_have_attribute("aria-busy", "true")


def test_a_second_visitor_waits_in_the_queue_then_counts_from_its_start(
    new_page, browser_apps_site
):
    first_page, second_page, gate_page = new_page(), new_page(), new_page()
    for page in (first_page, second_page, gate_page):
        open_progress(page, browser_apps_site)
    first_job, second_job = new_job("first"), new_job("second")

    start(first_page, first_job, "Work")
    wait_until_held(gate_page, first_job)
    start(second_page, second_job, "Work")  # Work runs one at a time
    second_timer = result_box(second_page).get_by_role("timer")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while (waited := shown_seconds(second_timer, QUEUED)) < 1.5:
        assert time.monotonic() < deadline, "the wait was not counted"
        time.sleep(0.1)

    gate(gate_page, first_job, "Release")
    expect(first_page.get_by_label("Result", exact=True)).to_have_value(f"{first_job} done")
    # Its turn came: its time counts from its start, not from the click.
    assert shown_seconds(second_timer, PROCESSING) < waited
    gate(gate_page, second_job, "Release")
    expect(second_page.get_by_label("Result", exact=True)).to_have_value(f"{second_job} done")
    expect(second_page.get_by_role("timer")).to_have_count(0)


def test_gr_progress_shows_its_description_fraction_step_and_eta(new_page, browser_apps_site):
    page, gate_page = new_page(), new_page()
    open_progress(page, browser_apps_site)
    open_progress(gate_page, browser_apps_site)
    job = new_job("crunch")

    start(page, job, "Crunch")  # five rows, then it holds at the sixth
    box = result_box(page)
    bar = box.get_by_role("progressbar", name="Crunching")
    expect(bar).to_have_js_property("value", 0.5)
    expect(box).to_contain_text("Crunching - 50.0%")
    elapsed = shown_seconds(box.get_by_role("timer"), STEPS)
    assert elapsed >= 0.5  # five rows of 0.2 s each are behind it

    gate(gate_page, job, "Release")
    expect(page.get_by_label("Result", exact=True)).to_have_value(f"{job} done")
    expect(bar).to_have_count(0)
    expect(page.get_by_role("timer")).to_have_count(0)


def test_show_progress_hidden_shows_no_time(new_page, browser_apps_site):
    page, gate_page = new_page(), new_page()
    open_progress(page, browser_apps_site)
    open_progress(gate_page, browser_apps_site)
    job = new_job("quiet")

    start(page, job, "Quiet work")
    wait_until_held(gate_page, job)
    expect(page.get_by_role("timer")).to_have_count(0)
    expect(result_box(page)).not_to_have_attribute("aria-busy", "true")

    gate(gate_page, job, "Release")
    expect(page.get_by_label("Result", exact=True)).to_have_value(f"{job} done")
