"""blocksstate's own example (not one of the guides): a count every visitor shares, live.

The count is a GlobalState: it lives in the shared cache, so every worker sees the
same value, a click is an atomic read-modify-write, and its ``.change`` listener
runs in every open page, so each one shows the new count without doing anything.
"""

import blocksstate as gr

with gr.Blocks(title="Live counter") as demo:
    clicks = gr.GlobalState(0, key="demo-live-clicks")
    total = gr.Number(label="Clicks by everyone")
    gr.Button("Click").click(lambda count: count + 1, clicks, clicks)
    clicks.change(lambda count: count, clicks, total)
    demo.load(lambda count: count, clicks, total)
