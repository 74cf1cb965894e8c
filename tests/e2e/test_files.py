"""Files and media in a real browser: uploads, results, downloads, refusals, owners, expiry."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import numpy
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

LIMITS = "/blocksstate/apps/upload-limits/"
FILE_URL = re.compile(r"^/blocksstate/files/")


def until(check, timeout: float = 15.0) -> None:
    """Call ``check`` until it passes (an AssertionError means not yet), at most ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def origin(page) -> str:
    return "/".join(page.url.split("/", 3)[:3])


def png(path: Path, color=(200, 100, 50), size=(8, 6)) -> Path:
    Image.new("RGB", size, color).save(path, format="PNG")
    return path


def component(page, name: str):
    """The wrapper of the component labelled ``name``."""
    return (
        page.locator("[data-bs-id]:not(:has([data-bs-id]))")
        .filter(has=page.locator(".bs-caption, label", has_text=name))
        .first
    )


def image_src(page, label: str) -> str:
    image = component(page, label).locator("img.bs-image-view")
    expect(image).to_have_attribute("src", FILE_URL)
    return image.get_attribute("src")


def shown_image(page, label: str) -> Image.Image:
    """The picture a component shows, read as the page reads it (its URL, its cookies)."""
    image = component(page, label).locator("img.bs-image-view")
    expect(image).to_have_attribute("src", FILE_URL)
    response = page.request.get(origin(page) + image.get_attribute("src"))
    assert response.status == 200, response.status
    return Image.open(io.BytesIO(response.body())).convert("RGB")


def test_an_uploaded_picture_comes_back_filtered(page, demo_server, tmp_path):
    open_app(page, demo_server.url, "/image-filter/", "image-filter")
    page.get_by_role("radio", name="Invert").check()

    page.get_by_role("button", name="Your picture").set_input_files(png(tmp_path / "in.png"))

    def inverted():
        pixels = numpy.asarray(shown_image(page, "Filtered"))
        assert pixels.shape == (6, 8, 3)
        assert (pixels == [55, 155, 205]).all()

    until(inverted, timeout=20)


def test_collected_files_stay_across_events_zip_whole_and_go_with_a_reload(
    page, demo_server, tmp_path
):
    open_app(page, demo_server.url, "/file-collector/", "file-collector")
    (tmp_path / "a.txt").write_text("first file")
    (tmp_path / "b.csv").write_text("x,y\n1,2\n")
    (tmp_path / "c.txt").write_text("third, in a second upload")
    add = page.get_by_role("button", name="Add files")

    add.set_input_files([tmp_path / "a.txt", tmp_path / "b.csv"])
    expect(page.get_by_text("2 file(s):", exact=True)).to_be_visible()
    add.set_input_files(tmp_path / "c.txt")
    expect(page.get_by_text("3 file(s):", exact=True)).to_be_visible()

    page.get_by_role("button", name="Make a zip").click()
    download_link = page.get_by_role("link", name="Download the zip")
    expect(download_link).to_be_visible()
    with page.expect_download() as download:
        download_link.click()
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == ["a.txt", "b.csv", "c.txt"]
        assert archive.read("c.txt") == b"third, in a second upload"
        assert archive.read("b.csv") == b"x,y\n1,2\n"

    page.reload()
    open_app(page, demo_server.url, "/file-collector/", "file-collector")
    expect(page.get_by_text("No files yet.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download the zip")).to_be_hidden()


def test_an_audio_file_comes_back_reversed(page, demo_server, tmp_path):
    import wave

    samples = numpy.arange(-400, 400, dtype=numpy.int16)
    with wave.open(str(tmp_path / "ramp.wav"), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(samples.tobytes())
    open_app(page, demo_server.url, "/audio-reverse/", "audio-reverse")

    page.get_by_role("button", name="Your sound").set_input_files(tmp_path / "ramp.wav")
    expect(component(page, "Your sound").locator("audio")).to_have_attribute("src", FILE_URL)
    page.get_by_role("button", name="Transform").click()

    audio = component(page, "Transformed").locator("audio")
    expect(audio).to_have_attribute("src", FILE_URL)
    response = page.request.get(origin(page) + audio.get_attribute("src"))
    with wave.open(io.BytesIO(response.body())) as wav:
        assert wav.getframerate() == 8000
        back = numpy.frombuffer(wav.readframes(wav.getnframes()), dtype=numpy.int16)
    assert (back == samples[::-1]).all()


def test_too_big_and_wrong_type_files_are_refused_with_a_message(page, browser_apps_site, tmp_path):
    open_app(page, browser_apps_site.url, LIMITS, "upload-limits")
    files = page.get_by_role("button", name="Pictures")
    error = component(page, "Pictures").get_by_role("alert")
    big = tmp_path / "big.png"
    big.write_bytes(png(tmp_path / "tiny.png").read_bytes() + bytes(40_000))
    text = tmp_path / "notes.png"
    text.write_text("this is text, named like a picture")

    files.set_input_files(big)
    expect(error).to_contain_text("too large")
    files.set_input_files(text)
    expect(error).not_to_contain_text("too large")
    expect(error).to_contain_text("notes.png")

    expect(page.get_by_label("Stored")).to_have_value("0")
    expect(component(page, "Pictures").locator(".bs-file-item")).to_have_count(0)

    files.set_input_files(tmp_path / "tiny.png")
    expect(page.get_by_label("Stored")).to_have_value("1")
    expect(component(page, "Pictures").locator(".bs-file-item")).to_have_count(1)
    expect(error).to_be_empty()

    with page.expect_download() as download:
        component(page, "Pictures").get_by_role("link", name="tiny.png").click()
    assert Path(download.value.path()).read_bytes() == (tmp_path / "tiny.png").read_bytes()


def test_another_visitor_cannot_open_a_sessions_file(new_page, demo_server, tmp_path):
    alice = new_page()
    open_app(alice, demo_server.url, "/image-filter/", "image-filter")
    alice.get_by_role("button", name="Your picture").set_input_files(png(tmp_path / "mine.png"))
    url = demo_server.url + image_src(alice, "Your picture")

    assert alice.request.get(url).status == 200
    bob = new_page()
    open_app(bob, demo_server.url, "/image-filter/", "image-filter")
    assert bob.request.get(url).status == 403
    assert bob.goto(url).status == 403
    guessed = url.rsplit("/", 2)[0] + "/x" + url.rsplit("/", 2)[1][1:] + "/mine.png"
    assert alice.request.get(guessed).status in (403, 404)


def test_an_ended_sessions_files_are_gone_after_the_sweep(new_page, browser_apps_site, tmp_path):
    page = new_page()
    open_app(page, browser_apps_site.url, LIMITS, "upload-limits")
    page.get_by_role("button", name="Pictures").set_input_files(png(tmp_path / "gone.png"))
    link = component(page, "Pictures").get_by_role("link", name="gone.png")
    expect(link).to_have_attribute("href", FILE_URL)
    url = browser_apps_site.url + link.get_attribute("href")
    request = page.context.request
    assert request.get(url).status == 200
    media = Path(browser_apps_site.env["BLOCKSSTATE_MEDIA_ROOT"])
    sessions = media / "blocksstate" / "upload-limits" / "sessions"
    assert any(sessions.iterdir())

    page.close()  # the session ends now; its values and files a second later (delete_cache)

    def gone():
        assert request.get(url).status == 404

    until(gone)
    assert not [p for p in sessions.rglob("*") if p.is_file()]


def test_a_webcam_picture_is_taken_uploaded_and_filtered(page, demo_server):
    open_app(page, demo_server.url, "/image-filter/", "image-filter")

    page.get_by_role("button", name="Webcam").click()
    expect(component(page, "Your picture").get_by_label("Webcam preview")).to_be_visible()
    page.get_by_role("button", name="Capture").click()

    taken = shown_image(page, "Your picture")  # Chromium's fake camera: a test pattern
    assert taken.size[0] > 100 and taken.size[1] > 100
    until(lambda: shown_image(page, "Filtered").size == taken.size)


def test_a_microphone_recording_is_a_wav_the_handler_reverses(page, demo_server):
    import wave

    open_app(page, demo_server.url, "/audio-reverse/", "audio-reverse")

    page.get_by_role("button", name="Record").click()
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Stop").click()
    recorded = component(page, "Your sound").locator("audio")
    expect(recorded).to_have_attribute("src", FILE_URL)
    page.get_by_role("button", name="Transform").click()
    played = component(page, "Transformed").locator("audio")
    expect(played).to_have_attribute("src", FILE_URL)

    def samples(audio):
        body = page.request.get(origin(page) + audio.get_attribute("src")).body()
        with wave.open(io.BytesIO(body)) as wav:
            return wav.getframerate(), numpy.frombuffer(wav.readframes(wav.getnframes()), "<i2")

    rate, original = samples(recorded)
    # Some of Chromium's tone (a loaded machine's audio thread records less than the 1.2 s).
    assert rate >= 8000 and original.size > rate // 20
    assert numpy.abs(original).max() > 100  # not silence
    back_rate, back = samples(played)
    assert back_rate == rate and (back == original[::-1]).all()


def test_a_file_bigger_than_a_chunk_goes_up_in_chunks_and_comes_back_whole(
    page, demo_server, tmp_path
):
    big = tmp_path / "big.bin"
    big.write_bytes(numpy.random.default_rng(1).bytes(9 * 1024 * 1024))  # three 4 MB chunks
    chunks = []
    page.on("request", lambda r: chunks.append(r) if r.url.endswith("/chunk/") else None)
    open_app(page, demo_server.url, "/file-collector/", "file-collector")

    page.get_by_role("button", name="Add files").set_input_files(big)
    expect(page.get_by_text("1 file(s):", exact=True)).to_be_visible()
    page.get_by_role("button", name="Make a zip").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the zip").click()

    assert len(chunks) == 3
    with zipfile.ZipFile(download.value.path()) as archive:
        assert archive.read("big.bin") == big.read_bytes()
