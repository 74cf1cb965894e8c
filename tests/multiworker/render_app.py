"""A ``@gr.render`` region (the guide's "merge texts") whose listener says which worker ran it."""

import os

import blocksstate as gr

APP = "mw-render"


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        text_count = gr.Slider(1, 10, step=1, label="Textbox Count")

        @gr.render(inputs=[text_count], triggers=[text_count.change])
        def render_count(count):
            boxes = [gr.Textbox(key=i) for i in range(count)]

            def merge(*args):
                return f"{' '.join(args)}|{os.getpid()}"

            merge_btn.click(merge, boxes, output)

        merge_btn = gr.Button("Merge")
        output = gr.Textbox(label="Output")
    return demo
