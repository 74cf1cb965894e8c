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


# -- Gradio 6 parity -------------------------------------------------------------------------------

# What Gradio 6.31 takes (its constructors' parameters) and fires (its EVENTS), written out
# from its source: Gradio is not installed where these tests run.
GRADIO_6 = {
    gr.File: (
        "value file_count file_types type label every inputs show_label container scale "
        "min_width height interactive visible elem_id elem_classes render key "
        "preserved_by_key allow_reordering buttons",
        "change select clear upload delete download",
    ),
    gr.UploadButton: (
        "label value every inputs variant visible size icon scale min_width interactive "
        "elem_id elem_classes render key preserved_by_key type file_count file_types",
        "change click upload",
    ),
    gr.DownloadButton: (
        "label value every inputs variant visible size icon scale min_width interactive "
        "elem_id elem_classes render key preserved_by_key",
        "change click",
    ),
    gr.Image: (
        "value format height width image_mode sources type label every inputs show_label "
        "buttons container scale min_width interactive visible streaming elem_id "
        "elem_classes render key preserved_by_key webcam_options placeholder watermark alt_text",
        "clear change stream select upload input",
    ),
    gr.Audio: (
        "value sources type label every inputs show_label container scale min_width "
        "interactive visible streaming elem_id elem_classes render key preserved_by_key "
        "format autoplay editable buttons waveform_options loop recording subtitles "
        "playback_position",
        "stream change clear play pause stop start_recording pause_recording "
        "stop_recording upload input",
    ),
    gr.Video: (
        "value format sources height width label every inputs show_label container scale "
        "min_width interactive visible elem_id elem_classes render key preserved_by_key "
        "webcam_options include_audio autoplay buttons loop streaming watermark subtitles "
        "playback_position",
        "change clear start_recording stop_recording stop play pause end upload input",
    ),
    gr.Gallery: (
        "value format file_types label every inputs show_label container scale min_width "
        "visible elem_id elem_classes render key preserved_by_key columns rows height "
        "allow_preview preview selected_index object_fit buttons interactive type "
        "fit_columns sources",
        "select upload change delete preview_close preview_open",
    ),
}


def parameters(cls: type) -> set[str]:
    import inspect

    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None:
            names |= set(inspect.signature(init).parameters)
    return names


@pytest.mark.parametrize("cls", list(GRADIO_6), ids=lambda cls: cls.__name__)
def test_every_gradio_6_parameter_and_event_is_taken(cls):
    params, events = GRADIO_6[cls]
    assert set(params.split()) - parameters(cls) == set()
    for event in events.split():
        assert event in dir(cls), event


def test_preserved_by_key_is_kept_and_warns_only_when_not_the_default():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cls in GRADIO_6:
            assert cls(preserved_by_key="value").preserved_by_key == "value"
    with pytest.warns(UnsupportedOption, match="gr.Video: 'preserved_by_key'"):
        video = gr.Video(preserved_by_key=["label"])
    assert video.preserved_by_key == ["label"]


def test_buttons_map_download_and_fullscreen_and_warn_for_the_rest_once():
    image = gr.Image(type="filepath", buttons=["download"])
    assert image.show_download_button is True and image.show_fullscreen_button is False
    gallery = gr.Gallery(buttons=["fullscreen"])
    assert gallery.show_fullscreen_button is True and gallery.show_download_button is False
    assert gr.Audio(type="filepath", buttons=[]).show_download_button is False
    assert gr.Video(buttons=["download"]).show_download_button is True
    # The older names still work.
    assert gr.Image(type="filepath", show_download_button=False).show_download_button is False
    with pytest.warns(UnsupportedOption, match=r"gr.Gallery: \"buttons=\['download_all'\]\""):
        gr.Gallery(buttons=["download", "download_all"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gr.Gallery(buttons=["download_all"])
    with pytest.warns(UnsupportedOption, match=r"gr.File: 'buttons=\[gr.Button\(...\)\]'"):
        gr.File(buttons=[gr.Button("Extra", render=False)])
    with pytest.raises(ValueError, match="Video buttons must be among"):
        gr.Video(buttons=["fullscreen"])
    with pytest.raises(ValueError, match="buttons must be a list"):
        gr.Image(type="filepath", buttons="download")


def test_webcam_options_set_the_mirror_and_warn_of_constraints_once():
    options = gr.WebcamOptions()
    assert (options.mirror, options.constraints) == (True, None)
    image = gr.Image(type="filepath", webcam_options=gr.WebcamOptions(mirror=False))
    assert image.mirror_webcam is False and image.webcam_options.mirror is False
    assert gr.Image(type="filepath", mirror_webcam=False).webcam_options.mirror is False
    constraints = {"video": {"width": 640}}
    with pytest.warns(UnsupportedOption, match="gr.Video: 'webcam_options.constraints'"):
        video = gr.Video(webcam_options=gr.WebcamOptions(constraints=constraints))
    assert video.webcam_constraints == constraints
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gr.Video(webcam_options=gr.WebcamOptions(constraints=constraints))
    with pytest.raises(ValueError, match="webcam_options must be a gr.WebcamOptions"):
        gr.Image(type="filepath", webcam_options=True)


def test_waveform_options_are_gradios_and_warned_as_not_drawn():
    options = gr.WaveformOptions(waveform_color="red")
    assert [f for f in vars(options)] == [
        "waveform_color",
        "waveform_progress_color",
        "trim_region_color",
        "show_recording_waveform",
        "skip_length",
        "sample_rate",
    ]
    assert (options.skip_length, options.sample_rate) == (5, 44100)
    with pytest.warns(UnsupportedOption, match="gr.Audio: 'waveform_options'"):
        audio = gr.Audio(type="filepath", waveform_options=options)
    assert audio.waveform_options is options
    with pytest.raises(ValueError, match="waveform_options must be a gr.WaveformOptions"):
        gr.Audio(type="filepath", waveform_options="red")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: gr.Image(type="filepath", watermark="logo.png"), "gr.Image: 'watermark'"),
        (lambda: gr.Audio(type="filepath", subtitles="a.vtt"), "gr.Audio: 'subtitles'"),
        (lambda: gr.Audio(type="filepath", playback_position=3), "gr.Audio: 'playback_position'"),
        (lambda: gr.Video(subtitles="a.vtt"), "gr.Video: 'subtitles'"),
        (lambda: gr.Video(playback_position=2.5), "gr.Video: 'playback_position'"),
    ],
)
def test_gradio_6_options_not_implemented_warn_once(build, message):
    with pytest.warns(UnsupportedOption, match=message):
        build()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build()


def test_gallery_sources_and_fit_columns():
    assert gr.Gallery().sources == ["upload"] and gr.Gallery().fit_columns is True
    assert gr.Gallery(sources=["upload", "webcam", "clipboard"]).sources[1:] == [
        "webcam",
        "clipboard",
    ]
    with pytest.raises(ValueError, match="Gallery sources must be among"):
        gr.Gallery(sources=["microphone"])


def test_the_rendered_markup_has_the_image_alt_text_the_gallery_sources_and_fit():
    from blocksstate.rendering import render_app

    with gr.Blocks() as demo:
        gr.Image(type="filepath", label="A cat", elem_id="labelled")
        gr.Image(type="filepath", label="Ignored", alt_text="A black cat", elem_id="alt")
        gr.Gallery(sources=["upload", "webcam"], fit_columns=False, elem_id="gallery")
    with registered(demo) as app:
        html = render_app(demo, app)
    assert 'alt="A cat"' in html and 'alt="A black cat"' in html
    assert 'data-bs-alt="A black cat">' in html
    assert 'data-bs-alt="A cat" data-bs-alt-from-label>' in html
    assert 'data-bs-fit-columns="false"' in html
    gallery = html[html.index('id="gallery"') :]
    assert "bs-source-webcam" in gallery and "bs-source-clipboard" not in gallery


def test_an_image_with_neither_label_nor_alt_text_has_an_empty_alt():
    from blocksstate.rendering import render_app

    with gr.Blocks() as demo:
        gr.Image(type="filepath")
    with registered(demo) as app:
        assert '<img class="bs-image-view" alt=""' in render_app(demo, app)


def test_the_webcam_preview_is_mirrored_unless_told_not_to_be():
    from blocksstate.rendering import render_app

    with gr.Blocks() as demo:
        gr.Image(type="filepath", elem_id="mirrored")
        gr.Image(type="filepath", webcam_options=gr.WebcamOptions(mirror=False), elem_id="straight")
    with registered(demo) as app:
        html = render_app(demo, app)
    mirrored = html[html.index('id="mirrored"') : html.index('id="straight"')]
    straight = html[html.index('id="straight"') :]
    assert "bs-capture-preview bs-mirrored" in mirrored
    assert "bs-capture-preview" in straight and "bs-mirrored" not in straight
