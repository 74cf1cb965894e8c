"""A wizard: three steps, each a Column that a handler reveals while it hides the last one.

Which step is shown is a property of the layout (``gr.update(visible=...)``), kept in
the session like a component's: after a dropped connection the page resumes on the
same step. A refresh starts a new session, back at step 1.
"""

import blocksstate as gr

with gr.Blocks(title="Wizard") as demo:
    answers = gr.State({})

    with gr.Column() as step1:
        gr.Markdown("### Step 1 of 3: who are you?")
        name = gr.Textbox(label="Your name", placeholder="Ada")
        next1 = gr.Button("Next", variant="primary")

    with gr.Column(visible=False) as step2:
        gr.Markdown("### Step 2 of 3: what do you like?")
        topic = gr.Radio(["Maths", "Music", "Poetry"], label="Favourite topic", value="Maths")
        with gr.Row():
            back2 = gr.Button("Back")
            next2 = gr.Button("Next", variant="primary")

    with gr.Column(visible=False) as step3:
        gr.Markdown("### Step 3 of 3: summary")
        summary = gr.Markdown()
        with gr.Accordion("What was sent", open=False) as details:
            sent = gr.JSON(label="Answers")
        with gr.Tabs() as tabs:
            with gr.Tab("Greeting", id="greeting"):
                greeting = gr.Markdown()
            with gr.Tab("Suggestion", id="suggestion"):
                suggestion = gr.Markdown()
        with gr.Row():
            show_suggestion = gr.Button("Show the suggestion")
            restart = gr.Button("Start again")

    def to_step2(name, answers):
        name = (name or "").strip()
        if not name:
            raise gr.Error("Please tell us your name.")
        return {**answers, "name": name}, gr.update(visible=False), gr.update(visible=True)

    def to_step3(topic, answers):
        answers = {**answers, "topic": topic}
        ideas = {"Maths": "a proof by induction", "Music": "a fugue", "Poetry": "a sonnet"}
        return (
            answers,
            gr.update(visible=False),
            gr.Column(visible=True),
            f"**{answers['name']}** likes **{topic}**.",
            answers,
            gr.Accordion(open=True),
            f"Welcome, {answers['name']}!",
            f"Try {ideas[topic]} today.",
        )

    next1.click(to_step2, [name, answers], [answers, step1, step2])
    back2.click(lambda: (gr.update(visible=True), gr.update(visible=False)), None, [step1, step2])
    next2.click(
        to_step3,
        [topic, answers],
        [answers, step2, step3, summary, sent, details, greeting, suggestion],
    )
    show_suggestion.click(lambda: gr.Tabs(selected="suggestion"), None, tabs)
    restart.click(
        lambda: (
            {},
            gr.update(visible=True),
            gr.update(visible=False),
            "",
            gr.update(selected="greeting"),
            gr.update(open=False),
        ),
        None,
        [answers, step1, step3, name, tabs, details],
    )

if __name__ == "__main__":
    demo.launch()
