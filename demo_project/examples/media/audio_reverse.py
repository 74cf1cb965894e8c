"""An audio round trip: record or upload a WAV, hear it backwards (or faster).

``gr.Audio(type="numpy")`` gives the handler ``(sample_rate, samples)``; returning the
same shape makes a WAV the page plays. WAV is read and written with the standard library.
"""

import blocksstate as gr


def transform(audio, effect):
    if audio is None:
        raise gr.Error("Record or upload a sound first.")
    rate, samples = audio
    if effect == "Reverse":
        return rate, samples[::-1]
    return int(rate * 1.5), samples  # "Faster": the same samples played at 1.5x


with gr.Blocks(title="Audio round trip") as demo:
    recording = gr.Audio(label="Your sound", sources=["microphone", "upload"], type="numpy")
    effect = gr.Radio(["Reverse", "Faster"], value="Reverse", label="Effect")
    played = gr.Audio(label="Transformed", type="numpy")
    gr.Button("Transform", variant="primary").click(transform, [recording, effect], played)
