import blocksstate as gr

def step1(input, state):
    state["step1_result"] = input.upper()
    return state, state["step1_result"]

def step2(state):
    result = state["step1_result"] + "!!!"
    state["step2_result"] = result
    return state, result

with gr.Blocks() as demo:
    state = gr.State(value={})
    inp = gr.Textbox(label="Input")
    mid = gr.Textbox(label="After Step 1")
    out = gr.Textbox(label="After Step 2")
    btn = gr.Button("Process")

    btn.click(
        step1, [inp, state], [state, mid]
    ).then(
        step2, state, [state, out]
    )
