"""A file collector: files uploaded over several events are kept in a ``gr.State`` list,
then handed back as one zip.

The list lives in the session: a reload starts an empty one, and the files themselves
are deleted when the session ends (``delete_cache``).
"""

import os
import tempfile
import zipfile

import blocksstate as gr


def add(new_files, kept):
    kept = kept + [(os.path.basename(path), path) for path in new_files or []]
    return kept, None, listing(kept)


def listing(kept):
    if not kept:
        return "No files yet."
    lines = [f"{len(kept)} file(s):"] + [f"- {name}" for name, _ in kept]
    return "\n".join(lines)


def make_zip(kept):
    if not kept:
        raise gr.Error("Add some files first.")
    folder = tempfile.mkdtemp(prefix="collector-")
    target = os.path.join(folder, "collected.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in kept:
            archive.write(path, arcname=name)
    return gr.DownloadButton(value=target, visible=True)


def forget():
    return [], listing([]), gr.DownloadButton(visible=False)


with gr.Blocks(title="File collector", delete_cache=(60, 600)) as demo:
    kept = gr.State([])
    upload = gr.File(label="Add files", file_count="multiple")
    shown = gr.Markdown("No files yet.")
    with gr.Row():
        zip_button = gr.Button("Make a zip", variant="primary")
        download = gr.DownloadButton("Download the zip", visible=False)
        clear = gr.Button("Start over")
    upload.upload(add, [upload, kept], [kept, upload, shown])
    zip_button.click(make_zip, kept, download)
    clear.click(forget, None, [kept, shown, download])
