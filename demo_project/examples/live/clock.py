"""A live clock: a value refreshed every second, a Timer you can stop, a stream you can cancel.

- ``gr.Textbox(value=now, every=1)``: the clock; blocksstate makes a Timer that calls
  ``now`` every second for this page.
- A ``gr.Timer`` whose ``tick`` counts; Stop and Start set its ``active``.
- Count streams a number up from 1; Stop counting cancels it with ``cancels=``: the
  count stays where it was.
- Shout's ``js=`` function runs in the page (under the page's CSP nonce) and upper-cases
  the text before the server gets it.
"""

import time

import blocksstate as gr


def now() -> str:
    return time.strftime("%H:%M:%S")


def counting():
    for n in range(1, 100_000):
        yield n
        time.sleep(0.2)


with gr.Blocks(title="Live clock") as demo:
    gr.Textbox(value=now, every=1, label="Time", interactive=False)

    with gr.Row():
        ticks = gr.Number(0, label="Ticks", interactive=False)
        stop_timer = gr.Button("Stop the timer")
        start_timer = gr.Button("Start the timer")
    timer = gr.Timer(1)
    timer.tick(lambda n: n + 1, ticks, ticks)
    stop_timer.click(lambda: gr.Timer(active=False), None, timer)
    start_timer.click(lambda: gr.Timer(active=True), None, timer)

    with gr.Row():
        count = gr.Number(0, label="Count", interactive=False)
        start = gr.Button("Count", variant="primary")
        stop = gr.Button("Stop counting")
    run = start.click(counting, None, count)
    stop.click(None, cancels=[run])

    with gr.Row():
        words = gr.Textbox(label="Words", placeholder="hello")
        heard = gr.Textbox(label="The server got", interactive=False)
        shout = gr.Button("Shout")
    shout.click(lambda text: text, words, heard, js="(text) => text.toUpperCase()")

if __name__ == "__main__":
    demo.launch()
