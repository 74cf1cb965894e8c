"""An image filter: upload (or paste) a picture, pick a filter, see the result.

The picture reaches the handler as a NumPy array (``gr.Image``'s default type), the
handler returns an array, and the page shows it from a URL only this session can read.
"""

import numpy as np

import blocksstate as gr

SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])


def apply_filter(image, name):
    if image is None:
        raise gr.Error("Upload a picture first.")
    pixels = image[..., :3].astype(np.float64)
    if name == "Sepia":
        out = pixels @ SEPIA.T
        out = out / max(out.max(), 1.0) * 255.0
    elif name == "Grayscale":
        out = np.repeat(pixels.mean(axis=2, keepdims=True), 3, axis=2)
    elif name == "Invert":
        out = 255.0 - pixels
    else:  # Mirror
        out = pixels[:, ::-1]
    return out.clip(0, 255).astype(np.uint8)


with gr.Blocks(title="Image filter") as demo:
    with gr.Row():
        source = gr.Image(label="Your picture", sources=["upload", "clipboard", "webcam"])
        result = gr.Image(label="Filtered")
    choice = gr.Radio(["Sepia", "Grayscale", "Invert", "Mirror"], value="Sepia", label="Filter")
    run = gr.Button("Apply", variant="primary")
    run.click(apply_filter, [source, choice], result)
    source.upload(apply_filter, [source, choice], result)
