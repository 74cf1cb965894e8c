import blocksstate as gr
import time

def init_with_timestamp():
    return {"started_at": time.time(), "actions": []}

with gr.Blocks() as demo:
    session = gr.State(value=None)
    status = gr.Textbox()

    demo.load(
        lambda: (init_with_timestamp(), "Session started"),
        None,
        [session, status]
    )
