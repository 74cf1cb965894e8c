import blocksstate as gr

def reset():
    return 0, "", "State cleared"

with gr.Blocks() as demo:
    counter = gr.State(value=0)
    messages = gr.Textbox(label="Messages")
    status = gr.Textbox(label="Status")

    increment_btn = gr.Button("Increment")
    reset_btn = gr.Button("Reset")

    increment_btn.click(
        lambda c: (c + 1, f"Count: {c + 1}", ""),
        counter,
        [counter, messages, status]
    )

    reset_btn.click(
        reset,
        None,
        [counter, messages, status]
    )
