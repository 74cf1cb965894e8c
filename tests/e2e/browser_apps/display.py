"""``display``: a Code editor, a ColorPicker, a DateTime, a HighlightedText and a Label, each
with a handler that shows what it got (imported by ``blocks.py``, which registers it)."""

import blocksstate as gr


def display_app() -> gr.Blocks:
    with gr.Blocks(title="Display") as demo:
        code = gr.Code("x = 1", language="python", label="Source", interactive=True)
        size = gr.Textbox(label="Size")
        code.change(lambda c: f"{len(c.splitlines())} lines, {len(c)} characters", code, size)

        colour = gr.ColorPicker("#336699", label="Colour")
        chosen = gr.Textbox(label="Chosen colour")
        colour.change(lambda c: c, colour, chosen)

        when = gr.DateTime("2024-05-01 12:00:00", label="When", type="string", timezone="UTC")
        day = gr.Textbox(label="Chosen date")
        when.change(lambda w: w, when, day)

        entities = gr.HighlightedText(
            [("Ada", "person"), (" lives in ", None), ("London", "place")],
            label="Entities",
            show_legend=True,
        )
        picked = gr.Textbox(label="Picked entity")

        def pick(evt: gr.SelectData) -> str:
            return f"{evt.index} {evt.value[0]} {evt.value[1]}"

        entities.select(pick, None, picked)

        scores = gr.Label({"cat": 0.75, "dog": 0.2, "eel": 0.05}, label="Prediction")
        picked_class = gr.Textbox(label="Picked class")

        def pick_class(evt: gr.SelectData) -> str:
            return f"{evt.index} {evt.value}"

        scores.select(pick_class, None, picked_class)
    return demo
