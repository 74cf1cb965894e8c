"""``e2e-private``: a counter only holders of ``auth.open_private`` may open (tests/e2e/test_access.py).

The permission and the users are made in the live server's database by the test.
"""

import blocksstate as gr

PERMISSION = "auth.open_private"


def private_app() -> gr.Blocks:
    with gr.Blocks(title="Private counter") as demo:
        count = gr.State(0)
        shown = gr.Number(label="Count")
        gr.Button("Add").click(lambda c: (c + 1, c + 1), count, [count, shown])
    return demo


gr.register("e2e-private", private_app(), permission=PERMISSION)
