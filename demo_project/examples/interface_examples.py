"""A greeting card as a gr.Interface: examples, additional inputs, title, description, article.

Clicking one of the first examples fills the inputs (Submit then runs it); the second set,
a gr.Examples added below with ``run_on_click=True``, fills them and runs at once.
"""

import blocksstate as gr

OPENINGS = {"Warm": "Hello, dear {}", "Formal": "Good day, {}", "Pirate": "Ahoy, {}"}


def greet(name, tone, exclamations):
    if not name:
        raise gr.Error("Type a name first.")
    return OPENINGS[tone].format(name) + "!" * int(exclamations)


demo = gr.Interface(
    greet,
    [gr.Textbox(label="Name"), gr.Radio(list(OPENINGS), value="Warm", label="Tone")],
    gr.Textbox(label="Greeting"),
    examples=[["Ada", "Warm", 1], ["Grace", "Formal", 0], ["Anne", "Pirate", 3]],
    additional_inputs=[gr.Slider(0, 3, value=1, step=1, label="Exclamation marks")],
    title="Greeting card",
    description="Pick an example or type a name, choose a tone, then **Submit**.",
    article="The examples fill the inputs; the ones below also run the function.",
)

with demo:
    gr.Examples(
        [["Linus", "Pirate", 2], ["Margaret", "Formal", 1]],
        demo.input_components,
        demo.output_components,
        fn=greet,
        run_on_click=True,
        label="Run on click",
    )
