"""A themed page: Gradio's Soft theme with a violet primary hue and a few variables of its own.

Light or dark follows the visitor's system (``prefers-color-scheme``), and ``?__theme=dark``
or ``?__theme=light`` picks one, as in Gradio. ``css=`` and ``head=`` are applied too.
"""

import blocksstate as gr

theme = gr.themes.Soft(primary_hue="violet", neutral_hue="slate", radius_size="lg").set(
    button_primary_background_fill="*primary_600",
    button_primary_background_fill_hover="*primary_700",
    button_primary_background_fill_dark="*primary_400",
    button_primary_text_color_dark="*neutral_950",
    body_background_fill_dark="*neutral_950",
    block_background_fill_dark="*neutral_900",
)


def greet(name: str, mood: str) -> str:
    return f"{'Good evening' if mood == 'Calm' else 'Hello'}, {name or 'stranger'}!"


with gr.Blocks(
    theme=theme,
    title="Themed page",
    css=".themed-note { font-style: italic; }",
    head='<meta name="themed-demo" content="violet">',
) as demo:
    gr.Markdown("A Soft theme, violet, with its own dark values.", elem_classes=["themed-note"])
    with gr.Row():
        name = gr.Textbox(label="Your name", placeholder="Ada")
        mood = gr.Radio(["Calm", "Bright"], label="Mood", value="Calm")
    greet_button = gr.Button("Greet", variant="primary")
    greeting = gr.Textbox(label="Greeting", interactive=False)
    greet_button.click(greet, [name, mood], greeting)

if __name__ == "__main__":
    demo.launch()
