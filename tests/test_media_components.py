"""File and media components: what handlers get and return, and what the page is given."""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path

import numpy
import pytest
from PIL import Image as PILImage

import blocksstate as gr
from blocksstate.files import access, store
from blocksstate.files.store import Owner
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption
from tests.helpers_engine import Harness
from tests.helpers_media import media_root, png_bytes, session_file, wav_file  # noqa: F401

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


def stored(page_value: dict) -> bytes:
    """The content of a file the page was given, read back through its signed ref."""
    owners = (Owner.of(page_value["path"]),)
    return store.read_bytes(access.read_ref(page_value["ref"], owners))


def echo_app(make, fn) -> tuple[gr.Blocks, gr.Component, gr.Component]:
    """An app whose button runs ``fn`` from one component made by ``make`` to another."""
    with gr.Blocks() as demo:
        source, target = make(), make()
        gr.Button("Go").click(fn, source, target)
    return demo, source, target


async def test_a_file_handler_gets_a_path_and_returns_one_the_page_gets_with_url_and_ref(tmp_path):
    seen = {}

    def handle(path: str) -> str:
        seen["content"] = Path(path).read_bytes()
        out = tmp_path / "result.txt"
        out.write_bytes(b"made by the handler")
        return str(out)

    demo, source, target = echo_app(lambda: gr.File(), handle)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, b"hello", "hello.txt")
            await page.click("Go", {source: given})
            shown = page.value(target)
    assert seen["content"] == b"hello"
    assert shown["orig_name"] == "result.txt" and shown["size"] == 19
    assert shown["url"].startswith("/blocksstate/files/") and shown["ref"]
    assert Owner(app, page.session_id).owns(shown["path"])
    assert stored(shown) == b"made by the handler"


async def test_binary_files_reach_the_handler_as_bytes_and_bytes_are_stored():
    demo, source, target = echo_app(lambda: gr.File(type="binary"), lambda data: data.upper())
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Go", {source: session_file(app, page.session_id, b"abc")})
            assert stored(page.value(target)) == b"ABC"


async def test_multiple_files_are_lists_both_ways():
    with gr.Blocks() as demo:
        files = gr.File(file_count="multiple", type="binary")
        out = gr.File(file_count="multiple")
        gr.Button("Go").click(lambda items: [b"".join(items), b"x"], files, out)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = [session_file(app, page.session_id, d) for d in (b"1", b"2")]
            await page.click("Go", {files: given})
            assert [stored(v) for v in page.value(out)] == [b"12", b"x"]


@pytest.mark.parametrize("kind", ["numpy", "pil", "filepath"])
async def test_an_image_handler_gets_its_type_and_its_result_is_stored_exactly(kind):
    got = {}

    def handle(image):
        got["value"] = image
        if kind == "filepath":
            return image
        array = numpy.asarray(image)
        return numpy.flipud(array) if kind == "numpy" else PILImage.fromarray(numpy.flipud(array))

    demo, source, target = echo_app(lambda: gr.Image(type=kind), handle)
    with registered(demo) as app:
        async with PageClient(app) as page:
            image = numpy.zeros((2, 3, 3), dtype=numpy.uint8)
            image[0] = 255
            buffer = io.BytesIO()
            PILImage.fromarray(image).save(buffer, format="PNG")
            await page.click(
                "Go", {source: session_file(app, page.session_id, buffer.getvalue(), "i.png")}
            )
            shown = page.value(target)
    expected = {"numpy": numpy.ndarray, "pil": PILImage.Image, "filepath": str}[kind]
    assert isinstance(got["value"], expected)
    result = numpy.asarray(PILImage.open(io.BytesIO(stored(shown))))
    assert shown["mime_type"] == "image/png"
    assert (result == (image if kind == "filepath" else numpy.flipud(image))).all()


async def test_audio_round_trips_a_wav_exactly():
    samples = numpy.array([0, 1000, -32768, 32767, 5], dtype=numpy.int16)
    got = {}

    def handle(audio):
        got["audio"] = audio
        rate, data = audio
        return rate, data

    demo, source, target = echo_app(lambda: gr.Audio(), handle)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, wav_file(8000, samples), "a.wav")
            await page.click("Go", {source: given})
            shown = page.value(target)
    rate, data = got["audio"]
    assert rate == 8000 and data.dtype == numpy.int16 and (data == samples).all()
    assert stored(shown) == wav_file(8000, samples)


async def test_audio_that_is_not_wav_is_a_clear_error_for_numpy_handlers(settings):
    settings.DEBUG = True
    demo, source, target = echo_app(lambda: gr.Audio(), lambda audio: audio)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, b"ID3 not a wav", "song.mp3")
            reply = await page.trigger("Go", "click", {source: given})
            assert reply.status == "failed"
            assert "not a WAV file" in reply.alerts[0]["message"]
            assert page.value(target) is None


async def test_a_gallery_takes_images_and_captions_and_hands_out_paths_and_captions(tmp_path):
    path = tmp_path / "blue.png"
    path.write_bytes(png_bytes((0, 0, 255)))
    got = {}

    def handle(items):
        got["items"] = items
        return [(numpy.zeros((1, 1, 3), dtype=numpy.uint8), "black"), str(path)]

    with gr.Blocks() as demo:
        source = gr.Gallery()
        target = gr.Gallery()
        gr.Button("Go").click(handle, source, target)
    with registered(demo) as app:
        async with PageClient(app) as page:
            red = session_file(app, page.session_id, png_bytes(), "red.png")
            await page.click("Go", {source: [{"image": red, "caption": "red"}]})
            shown = page.value(target)
    [(red_path, caption)] = got["items"]
    assert caption == "red" and Path(red_path).read_bytes() == png_bytes()
    assert [item["caption"] for item in shown] == ["black", None]
    assert all(item["image"]["url"] and item["image"]["ref"] for item in shown)
    assert stored(shown[1]["image"]) == png_bytes((0, 0, 255))


async def test_a_forged_or_foreign_ref_is_refused_and_changes_nothing():
    calls = []
    demo, source, target = echo_app(lambda: gr.File(type="binary"), calls.append)
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as page:
            foreign = session_file(app, other.session_id, b"secret")
            forged = {**session_file(app, page.session_id, b"mine"), "ref": "forged"}
            for bad, message in ((foreign, "another session"), (forged, "not valid")):
                error = (await page.trigger("Go", "click", {source: bad})).error
                assert error["code"] == "invalid_input" and message in error["message"]
            assert calls == []
            # a page record with a path of its own choosing still reads the ref's file
            mine = session_file(app, page.session_id, b"mine")
            await page.click("Go", {source: {**mine, "path": foreign_path(foreign)}})
            assert calls == [b"mine"]


def foreign_path(record: dict) -> str:
    return record["path"]


async def test_a_path_outside_the_allowed_folders_is_refused(settings):
    settings.DEBUG = True  # the developer's error is shown
    demo, source, target = echo_app(lambda: gr.File(), lambda _: "/etc/passwd")
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.trigger("Go", "click")
            assert reply.status == "failed"
            assert "outside the folders files may be served from" in reply.alerts[0]["message"]
            assert page.value(target) is None


async def test_a_handler_cannot_show_another_sessions_record():
    with gr.Blocks() as demo:
        out = gr.File()
        stolen = {}
        gr.Button("Go").click(lambda: stolen["record"], None, out)
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as page:
            stolen["record"] = store.save_bytes(Owner(app, other.session_id), b"x", "x.txt")
            reply = await page.trigger("Go", "click")
            assert reply.status == "failed" and page.value(out) is None


async def test_a_default_file_is_stored_once_for_the_app(tmp_path):
    path = tmp_path / "cat.png"
    path.write_bytes(png_bytes())
    with gr.Blocks() as demo:
        image = gr.Image(str(path))
    with registered(demo) as app:
        harness = Harness(demo)
        first, second = harness.session(), harness.session()
    assert first.values[image.id] == second.values[image.id]
    assert Owner(app).owns(first.values[image.id]["path"])
    context = image.template_context({"value": first.values[image.id]})
    assert context["page_value"]["url"] and context["page_value"]["ref"]


async def test_engine_harness_runs_file_inputs_off_the_loop():
    with gr.Blocks() as demo:
        source = gr.File(type="binary")
        out = gr.Textbox()
        click = gr.Button("Go").click(lambda data: data.decode(), source, out)
    with registered(demo) as app:
        harness = Harness(demo)
        session = harness.session()
        rec = store.save_bytes(Owner(app, session.id), b"threaded", "t.txt")
        run = await harness.run(session, click, {source: access.page_record(rec)})
    assert run.ok and run.updates[out.id]["value"] == "threaded"
    assert session.values[source.id] == rec


@pytest.mark.parametrize(
    ("build", "modules", "extra"),
    [
        (lambda: gr.Image(type="pil"), ["PIL", "PIL.Image"], "Pillow"),
        (lambda: gr.Image(type="numpy"), ["numpy"], "NumPy"),
        (lambda: gr.Audio(type="numpy"), ["numpy"], "NumPy"),
        (lambda: gr.Gallery(type="pil"), ["PIL", "PIL.Image"], "Pillow"),
    ],
)
def test_without_the_media_extra_numpy_and_pil_types_fail_when_built(
    monkeypatch, build, modules, extra
):
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(
        ImportError, match=rf"needs {extra}: pip install 'django-blocksstate\[media\]'"
    ):
        build()
    gr.Image(type="filepath")  # paths need neither


def test_options_accepted_but_not_implemented_warn_once_naming_them():
    with pytest.warns(UnsupportedOption, match="'streaming'"):
        gr.Image(type="filepath", streaming=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gr.Image(type="filepath", streaming=True)
        gr.Image(type="filepath")


def test_streaming_events_are_refused_clearly():
    with pytest.raises(NotImplementedError, match="streaming is not supported"):
        gr.Image(type="filepath").stream(lambda x: x)


def test_bad_constructor_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="file_count must be one of"):
        gr.File(file_count="many")
    with pytest.raises(ValueError, match="File type must be one of"):
        gr.File(type="pil")
    with pytest.raises(ValueError, match="Image format must be one of"):
        gr.Image(format="tiff")


def test_upload_rules_the_components_declare():
    assert gr.Image().file_types == ["image"] and gr.Audio().file_types == ["audio"]
    assert gr.Video().file_types == ["video"] and gr.Gallery().file_types == ["image"]
    assert gr.File(file_types=[".pdf"], max_file_size="5mb").max_file_size == "5mb"
    assert gr.Gallery().file_count == "multiple"
    assert gr.UploadButton().accepts_upload and not gr.DownloadButton().accepts_upload
    assert gr.UploadButton("Send").label == "Send"


async def test_only_steps_with_files_leave_the_loop_and_they_do_once_each_way(monkeypatch):
    from blocksstate.engine import file_values

    hops = []
    original = file_values.handlers.off_loop

    async def counted(call):
        hops.append(call)
        return await original(call)

    monkeypatch.setattr(file_values.handlers, "off_loop", counted)
    with gr.Blocks() as demo:
        count = gr.Number(0)
        first, second = gr.File(type="binary"), gr.File(type="binary")
        joined = gr.File()
        gr.Button("Count").click(lambda n: n + 1, count, count)
        gr.Button("Join").click(lambda a, b: a + b, [first, second], joined)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Count")
            assert hops == []
            values = {first: session_file(app, page.session_id, b"a")}
            values[second] = session_file(app, page.session_id, b"b")
            await page.click("Join", values)
            assert len(hops) == 2 and stored(page.value(joined)) == b"ab"


async def test_upload_and_download_buttons_and_video_take_and_give_files(tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not really a video")
    with gr.Blocks() as demo:
        upload = gr.UploadButton("Send", type="binary")
        download = gr.DownloadButton("Get")
        video = gr.Video()
        upload.upload(lambda data: (data[::-1], str(clip)), upload, [download, video])
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = session_file(app, page.session_id, b"abc")
            reply = await page.trigger(upload, "upload", {upload: given})
            assert reply.status == "done"
            assert stored(page.value(download)) == b"cba"
            assert page.value(video)["orig_name"] == "clip.mp4"
            assert page.value(video)["mime_type"] == "video/mp4"
            error = (await page.trigger(upload, "upload", {download: given})).error
            assert "cannot be set from the page" in error["message"]


def test_interface_shortcuts_make_file_components():
    demo = gr.Interface(lambda image: image, "image", "gallery")
    kinds = {type(c).__name__ for c in demo.components.values()}
    assert {"Image", "Gallery"} <= kinds


async def test_gradio_file_habits_work_paths_with_name_and_lists_in_a_single_file(tmp_path):
    """Code written for Gradio: ``[f.name for f in files]``, and a list shown by a plain File."""
    with gr.Blocks() as demo:
        button = gr.UploadButton("Upload", file_count="multiple")
        listed = gr.File()
        count = gr.Number()
        button.upload(lambda files: [f.name for f in files], button, listed)
        listed.change(lambda files: len(files), listed, count)
    with registered(demo) as app:
        async with PageClient(app) as page:
            given = [
                session_file(app, page.session_id, b"one", "one.txt"),
                session_file(app, page.session_id, b"two", "two.txt"),
            ]
            reply = await page.trigger(button, "upload", values={button: given})
            assert reply.status == "done", reply.frames
            shown = page.value(listed)
            assert [item["orig_name"] for item in shown] == ["one.txt", "two.txt"]
            assert [stored(item) for item in shown] == [b"one", b"two"]
            # Sent back as an input, the list is taken whole.
            assert (await page.trigger(listed, "change", values={listed: shown})).status == "done"
            assert page.value(count) == 2


async def test_integer_and_boolean_arrays_show_as_gradio_shows_them():
    colors = [
        numpy.ones((2, 2, 3), dtype=numpy.int64) * 200,  # np.ones(...) * randint: int64
        numpy.full((2, 2), True),
        numpy.full((2, 2, 3), 0.5),
        numpy.full((2, 2, 3), 40_000, dtype=numpy.uint16),
    ]
    with gr.Blocks() as demo:
        gallery = gr.Gallery()
        gr.Button("Go").click(lambda: colors, None, gallery)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Go")
            pixels = [
                numpy.asarray(PILImage.open(io.BytesIO(stored(item["image"]))))
                for item in page.value(gallery)
            ]
    assert (pixels[0] == 200).all()
    assert (pixels[1] == 255).all()
    assert (pixels[2] == 128).all()
    assert (pixels[3] == 40_000 >> 8).all()
