import blocksstate as gr

def track_clicks(click_count, click_history):
    click_count += 1
    click_history.append(f"Click #{click_count}")
    return click_count, click_history, "\n".join(click_history)

with gr.Blocks() as demo:
    click_count = gr.State(value=0)
    click_history = gr.State(value=[])
    output = gr.Textbox(label="Click History", lines=5)
    button = gr.Button("Click Me!")

    button.click(
        fn=track_clicks,
        inputs=[click_count, click_history],
        outputs=[click_count, click_history, output]
    )

demo.launch()
