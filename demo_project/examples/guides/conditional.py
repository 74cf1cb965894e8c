import blocksstate as gr

def conditional_update(value, threshold, state):
    if value > threshold:
        state.append(value)
        return state, f"Added {value} to state"
    return state, f"Value {value} too low"

with gr.Blocks() as demo:
    state = gr.State(value=[])
    value_input = gr.Number(label="Value")
    threshold = gr.Number(label="Threshold", value=10)
    status = gr.Textbox(label="Status")
    btn = gr.Button("Check and Add")

    btn.click(
        conditional_update,
        [value_input, threshold, state],
        [state, status]
    )
