import blocksstate as gr

with gr.Blocks() as demo:
    state = gr.State(value=[])
    textbox = gr.Textbox()

    # Clears both state and textbox to their default values
    clear_btn = gr.ClearButton([state, textbox])
