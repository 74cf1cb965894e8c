"""The counter app for Gradio: State in and out (same as bench/benchsite/blocks.py)."""

import gradio as gr
from _common import launch

with gr.Blocks(title="counter") as demo:
    count = gr.State(0)
    shown = gr.Number(label="Count", precision=0)
    button = gr.Button("Increment")

    def increment(c):
        return c + 1, c + 1

    button.click(increment, count, [count, shown], api_name="increment")

if __name__ == "__main__":
    launch(demo)
