"""A streaming chat: the answer first shows a thought (collapsible), then streams its text.

The conversation is the Chatbot's value, kept per session: a reload starts a new one, a
dropped connection resumes it (the answer being streamed included). Retry, undo and the
thumbs are the Chatbot's own buttons; a like is recorded by a handler.
"""

import time

import blocksstate as gr

STEP = 0.15  # seconds between streamed words: slow enough to watch (and to drop the line)


def answer(message, history):
    thought = gr.ChatMessage(
        "Reading your message and the conversation so far.",
        metadata={"title": "Thinking", "status": "pending"},
    )
    yield [thought]
    time.sleep(STEP * 4)
    thought.metadata = {"title": "Thinking", "status": "done", "duration": 0.6}
    words = (
        f"You said: {message}. This is message {len(history) // 3 + 1} of our chat, "
        "streamed one word at a time. The end."
    ).split(" ")
    text = ""
    for word in words:
        text = f"{text} {word}".strip()
        yield [thought, gr.ChatMessage(text)]
        time.sleep(STEP)


demo = gr.ChatInterface(
    answer,
    title="Streaming chat",
    description="Ask anything: the assistant thinks first, then streams its answer.",
    examples=["Hello!", "What is a thought?"],
    chatbot=gr.Chatbot(label="Conversation", buttons=["copy"], render=False),
)

with demo:
    feedback = gr.Markdown("No feedback yet.", label="Feedback")

    def record(data: gr.LikeData) -> str:
        verdict = "Liked" if data.liked is True else "Disliked"
        return f"{verdict} message {data.index}: {data.value}"

    demo.chatbot.like(record, None, feedback)

if __name__ == "__main__":
    demo.launch()
