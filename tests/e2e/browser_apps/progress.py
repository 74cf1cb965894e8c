"""``progress``: work that runs until the test lets it end, for the progress browser tests.

A *Job* box names the work. *Work* holds until its job is released (one run at a time:
``concurrency_limit=1``, so a second visitor's click waits in the queue); *Crunch* reports
ten rows with ``gr.Progress`` and holds at the sixth until released; *Quiet work* holds
like *Work*, with ``show_progress="hidden"``. Each shows "<job> done" in *Result*.

*Release* (from another page: a session runs its events one at a time) lets the job end;
*Check* says whether the job is being held, in *Gate*. The gates live in the server
process, shared by every session of this worker.
"""

from __future__ import annotations

import itertools
import threading
import time

import blocksstate as gr

HOLD_SECONDS = 30  # a test that never releases its job still ends

_gates: dict[str, threading.Event] = {}
_held: set[str] = set()
_lock = threading.Lock()
_checks = itertools.count(1)


def _gate(job: str) -> threading.Event:
    with _lock:
        return _gates.setdefault(job, threading.Event())


def _hold(job: str) -> None:
    with _lock:
        _held.add(job)
    try:
        _gate(job).wait(HOLD_SECONDS)
    finally:
        with _lock:
            _held.discard(job)


def work(job: str) -> str:
    _hold(job)
    return f"{job} done"


def crunch(job: str, progress=gr.Progress()) -> str:  # noqa: B008 (Gradio's idiom)
    for row in progress.tqdm(range(10), desc="Crunching", unit="rows"):
        if row == 5:
            _hold(job)
        else:
            time.sleep(0.2)
    return f"{job} done"


def release(job: str) -> str:
    _gate(job).set()
    return f"{job} released"


def check(job: str) -> str:
    with _lock:
        held = "held" if job in _held else "not held"
        return f"{job} {held}, check {next(_checks)}"  # each answer new, so a test sees it come


def progress_app() -> gr.Blocks:
    with gr.Blocks(title="Progress") as demo:
        job = gr.Textbox(label="Job")
        with gr.Row():
            work_button = gr.Button("Work")
            crunch_button = gr.Button("Crunch")
            quiet_button = gr.Button("Quiet work")
        result = gr.Textbox(label="Result")
        with gr.Row():
            release_button = gr.Button("Release")
            check_button = gr.Button("Check")
        gate = gr.Textbox(label="Gate")
        work_button.click(work, job, result, concurrency_limit=1)
        crunch_button.click(crunch, job, result)
        quiet_button.click(work, job, result, show_progress="hidden")
        release_button.click(release, job, gate)
        check_button.click(check, job, gate)
    return demo


gr.register("progress", progress_app())
