"""A code viewer: choose a language and a sample, see it highlighted; edit it, see it counted.

The highlighting is Pygments', on the server: the page shows the HTML it sends with the
code, after each edit too. A handler reports the lines and characters of what is typed.
"""

import blocksstate as gr

SAMPLES = {
    "python": 'def greet(name: str) -> str:\n    """Say hello."""\n    return f"Hello {name}!"\n',
    "javascript": "function greet(name) {\n  // Say hello.\n  return `Hello ${name}!`;\n}\n",
    "css": ".greeting {\n  color: #ea580c; /* orange */\n  font-weight: 700;\n}\n",
    "sql": "SELECT name, COUNT(*) AS visits\nFROM visitors\nWHERE visits > 3\nGROUP BY name;\n",
    "json": '{\n  "name": "Ada",\n  "visits": 4,\n  "admin": false\n}\n',
}


def show(language: str):
    return gr.update(value=SAMPLES[language], language=language)


def measure(code: str) -> str:
    code = code or ""
    lines = len(code.splitlines())
    return f"{lines} {'line' if lines == 1 else 'lines'}, {len(code)} characters"


with gr.Blocks(title="Code viewer") as demo:
    language = gr.Dropdown(list(SAMPLES), value="python", label="Language")
    code = gr.Code(SAMPLES["python"], language="python", label="Code", interactive=True)
    size = gr.Textbox(label="Size", value=measure(SAMPLES["python"]), interactive=False)

    language.change(show, language, code)
    code.change(measure, code, size)

if __name__ == "__main__":
    demo.launch()
