"""The files app for Gradio: one gr.File, the target of the upload benchmark
(same as the "files" app of bench/benchsite/blocks.py; bench/upload_bench.py)."""

import os

import gradio as gr
from _common import launch

with gr.Blocks(title="files") as demo:
    upload = gr.File(label="File", file_count="single")
    size = gr.Number(label="Size", precision=0)

    def file_size(path):
        return os.path.getsize(path) if path else None

    upload.upload(file_size, upload, size, api_name="file_size")

if __name__ == "__main__":
    launch(demo)
