"""Discovered by blocksstate in the test server (``tests.backpressure`` is an installed app)."""

import blocksstate as gr

APP = "flood"
ANSWER_CHARS = 900_000  # as in the issue: each answer about 900 kB


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        count = gr.State(0)
        shown = gr.Number(label="Count")
        answer = gr.Textbox(label="Answer")
        big = gr.Button("Big")

        def big_answer(n: int) -> tuple[int, int, str]:
            return n + 1, n + 1, f"{n + 1}:" + "x" * ANSWER_CHARS

        big.click(big_answer, count, [count, shown, answer], trigger_mode="multiple")
    return demo


BIG = 0  # the dependency id of "Big"'s click
gr.register(APP, build())
