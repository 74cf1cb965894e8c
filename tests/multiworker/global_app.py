"""A counter shared by every session of every worker, with GlobalState."""

import blocksstate as gr

APP = "mw-global"


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        clicks = gr.GlobalState(0, key="mw-clicks")
        total = gr.Number(label="Total")
        gr.Button("Add").click(lambda c: c + 1, clicks, clicks)
        clicks.change(lambda c: c, clicks, total)
        demo.load(lambda c: c, clicks, total)
    return demo
