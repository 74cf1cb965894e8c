import blocksstate as gr

def increment(count):
    count = count + 1
    return count, f"Count: {count}"

with gr.Blocks() as demo:
    state = gr.State(value=0) # Initialize state to 0
    output = gr.Textbox(label="Current Count")
    button = gr.Button("Increment")

    button.click(
        fn=increment,
        inputs=state, # State is an input
        outputs=[state, output] # State is also an output
    )

demo.launch()
