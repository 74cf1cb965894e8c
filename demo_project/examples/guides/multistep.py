import blocksstate as gr

def collect_name(name, data):
    data = data or {}
    data["name"] = name
    return data, f"Hello {name}! Now enter your age."

def collect_age(age, data):
    data["age"] = age
    return data, f"Thanks! You are {age} years old."

with gr.Blocks() as demo:
    state = gr.State(value={})
    output = gr.Textbox(label="Status")

    name_input = gr.Textbox(label="Name")
    name_btn = gr.Button("Submit Name")

    age_input = gr.Number(label="Age")
    age_btn = gr.Button("Submit Age")

    name_btn.click(collect_name, [name_input, state], [state, output])
    age_btn.click(collect_age, [age_input, state], [state, output])

demo.launch()
