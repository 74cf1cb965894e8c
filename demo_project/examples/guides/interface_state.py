import blocksstate as gr

def process_with_state(text, state):
    state = state or []
    state.append(text)
    history = "\n".join(state)
    return history, state

demo = gr.Interface(
    fn=process_with_state,
    inputs=["textbox", "state"],
    outputs=["textbox", "state"]
)

demo.launch()
