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
STREAM_APP = "stream"
STREAM_STEPS = 10
STREAM_CHARS = 700_000


def build_stream() -> gr.Blocks:
    """One click streams 10 answers of 700,000 characters, as fast as the server can."""
    with gr.Blocks() as demo:
        step = gr.Number(label="Step")
        answer = gr.Textbox(label="Answer", visible=False)
        go = gr.Button("Stream")

        def stream():
            for i in range(1, STREAM_STEPS + 1):
                yield i, "y" * STREAM_CHARS

        go.click(stream, None, [step, answer])
    return demo


gr.register(APP, build())
gr.register(STREAM_APP, build_stream())
