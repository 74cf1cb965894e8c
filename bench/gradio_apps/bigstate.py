"""The big-state app for Gradio: ``python bigstate.py PORT N [change]``.

A State holding N small dicts, one appended per click; with ``change`` a
State.change listener shows the length (Gradio's browser fires it).
"""

import sys

import gradio as gr
from _common import launch

N = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
WITH_CHANGE = len(sys.argv) > 3 and sys.argv[3] == "change"


def make_items(n):
    return [{"id": i, "name": f"item {i}", "qty": 1, "done": False} for i in range(n)]


with gr.Blocks(title=f"bigstate {N}") as demo:
    items = gr.State(make_items(N))
    length = gr.Number(label="Length", precision=0)
    add = gr.Button("Add")
    check = gr.Button("Check")

    def add_item(current):
        current.append(
            {"id": len(current), "name": f"item {len(current)}", "qty": 1, "done": False}
        )
        return current

    add.click(add_item, items, items, api_name="add_item")
    check.click(lambda current: len(current), items, length, api_name="length")
    if WITH_CHANGE:
        items.change(lambda current: len(current), items, length, api_name="on_change")

if __name__ == "__main__":
    launch(demo)
