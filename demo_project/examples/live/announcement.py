"""blocksstate's own example: an announcement that staff post from a Django view.

The announcement is a GlobalState. The staff page (``/announcement/post/``) calls
``announcement.set(text)`` in an ordinary Django view; a management command or a task
worker could do the same. Every open page runs the ``.change`` listener once per change
and shows the new text, and counts the updates it received.
"""

import blocksstate as gr

with gr.Blocks(title="Announcement") as demo:
    announcement = gr.GlobalState("No announcement yet.", key="demo-announcement")
    received = gr.State(0)
    shown = gr.Markdown()
    count = gr.Number(label="Updates received by this page", value=0, precision=0)

    def show(text, updates):
        return text, updates + 1, updates + 1

    announcement.change(show, [announcement, received], [shown, received, count])
    demo.load(lambda text: text, announcement, shown)
