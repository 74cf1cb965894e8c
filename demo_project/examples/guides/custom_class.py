import blocksstate as gr
from dataclasses import dataclass
from typing import List

@dataclass
class UserSession:
    name: str = ""
    messages: List[str] = None
    preferences: dict = None

    def __post_init__(self):
        if self.messages is None:
            self.messages = []
        if self.preferences is None:
            self.preferences = {}

def initialize():
    return UserSession(), "Session initialized"

def add_message(message, session):
    session.messages.append(message)
    count = len(session.messages)
    return session, f"Total messages: {count}"

with gr.Blocks() as demo:
    session = gr.State(value=UserSession())
    status = gr.Textbox(label="Status")

    init_btn = gr.Button("Initialize Session")
    init_btn.click(initialize, None, [session, status])

    msg_input = gr.Textbox(label="Message")
    msg_btn = gr.Button("Add Message")
    msg_btn.click(add_message, [msg_input, session], [session, status])

demo.launch()
