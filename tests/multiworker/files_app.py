"""Files across workers: a file uploaded to one worker is read and served by the other."""

import hashlib
import os

import blocksstate as gr

APP = "mw-files"


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        upload = gr.File(label="Upload")
        digest = gr.Textbox(label="Digest")
        worker = gr.Textbox(label="Worker")
        copy = gr.File(label="Copy")

        def read(path):
            with open(path, "rb") as handle:
                data = handle.read()
            return hashlib.sha256(data).hexdigest(), str(os.getpid()), path

        gr.Button("Read").click(read, upload, [digest, worker, copy])
    return demo
