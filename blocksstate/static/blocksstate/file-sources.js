// Where a file component's files come from, besides its file input: drag and drop, the
// clipboard, the webcam and the microphone. Each hands File objects to `take(files)`,
// which uploads them (file-components.js); none runs while the component is read-only.

import { showError } from "./uploads.js";
import { startRecording } from "./wav.js";
import { t } from "./strings.js";

const editable = (el) => el.dataset.bsEditable !== "false";
const mediaDevices = () => navigator.mediaDevices?.getUserMedia !== undefined;

// The file input, and files dropped anywhere on the component (its drop zone is highlighted).
export function wireInput(el, take) {
  const input = el.querySelector(".bs-file-input");
  input?.addEventListener("change", () => {
    const files = [...input.files];
    // Cleared so that choosing the same file again is a change too.
    input.value = "";
    take(files);
  });
  const zone = el.querySelector(".bs-dropzone");
  if (!zone) return;
  let depth = 0;
  const highlight = (on) => zone.classList.toggle("bs-dragging", on);
  el.addEventListener("dragenter", (event) => {
    if (!editable(el) || zone.hidden || !event.dataTransfer?.types.includes("Files")) return;
    depth += 1;
    highlight(true);
  });
  el.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) highlight(false);
  });
  el.addEventListener("dragover", (event) => {
    if (!editable(el) || zone.hidden || !event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  });
  el.addEventListener("drop", (event) => {
    depth = 0;
    highlight(false);
    if (!editable(el) || zone.hidden || !event.dataTransfer?.files.length) return;
    event.preventDefault();
    take([...event.dataTransfer.files]);
  });
}

function imageFile(blob, name) {
  const extension = (blob.type.split("/")[1] || "png").split("+")[0];
  return new File([blob], `${name}.${extension}`, { type: blob.type || "image/png" });
}

// An image pasted while the component has focus, or read from the clipboard by its button.
export function wireClipboard(el, take) {
  el.addEventListener("paste", (event) => {
    if (!editable(el)) return;
    const files = [...(event.clipboardData?.files ?? [])].filter((file) => file.type.startsWith("image/"));
    if (!files.length) return;
    event.preventDefault();
    take(files.slice(0, 1));
  });
  const button = el.querySelector(".bs-source-clipboard");
  if (!button || !navigator.clipboard?.read) return;
  button.dataset.bsAvailable = "true";
  button.hidden = !editable(el);
  button.addEventListener("click", async () => {
    try {
      for (const item of await navigator.clipboard.read()) {
        const type = item.types.find((kind) => kind.startsWith("image/"));
        if (type) {
          take([imageFile(await item.getType(type), "clipboard")]);
          return;
        }
      }
      showError(el, t("source.clipboard_empty"));
    } catch {
      showError(el, t("source.clipboard_denied"));
    }
  });
}

// A webcam preview with a Capture button: the frame shown is uploaded as a PNG.
export function wireWebcam(el, take) {
  const button = el.querySelector(".bs-source-webcam");
  const panel = el.querySelector(".bs-capture");
  if (!button || !panel || !mediaDevices()) return;
  button.dataset.bsAvailable = "true";
  button.hidden = !editable(el);
  const video = panel.querySelector("video");
  button.addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true });
    } catch {
      showError(el, t("source.webcam_denied"));
      return;
    }
    const stop = new AbortController();
    const close = () => {
      stop.abort();
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
      panel.hidden = true;
      button.hidden = !editable(el);
      button.focus();
    };
    video.srcObject = stream;
    panel.hidden = false;
    button.hidden = true;
    const capture = panel.querySelector(".bs-capture-take");
    // Nothing to take until the camera has sent its first frame (a 0x0 canvas is no picture).
    capture.disabled = video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA;
    video.addEventListener("loadeddata", () => { capture.disabled = false; capture.focus(); }, { once: true, signal: stop.signal });
    capture.focus();
    capture.addEventListener(
      "click",
      () => {
        if (!video.videoWidth) return;
        const canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const context = canvas.getContext("2d");
        if (video.classList.contains("bs-mirrored")) {
          context.translate(canvas.width, 0);
          context.scale(-1, 1);
        }
        context.drawImage(video, 0, 0);
        close();
        canvas.toBlob((blob) => {
          if (blob) take([imageFile(blob, "webcam")]);
          else showError(el, t("source.capture_failed"));
        }, "image/png");
      },
      { signal: stop.signal },
    );
    panel.querySelector(".bs-capture-cancel").addEventListener("click", close, { signal: stop.signal });
  });
}

// A Record button (Stop recording while it records): the recording is uploaded as a WAV.
// `events(name)` fires the component's start_recording and stop_recording.
export function wireMicrophone(el, take, events) {
  const button = el.querySelector(".bs-source-microphone");
  if (!button || !mediaDevices() || !window.AudioContext) return;
  button.dataset.bsAvailable = "true";
  button.hidden = !editable(el);
  let recording = null;
  button.addEventListener("click", async () => {
    if (recording) {
      const current = recording;
      recording = null;
      button.textContent = t("source.record");
      events("stop_recording");
      const wav = await current.stop();
      take([new File([wav], "recording.wav", { type: "audio/wav" })]);
      return;
    }
    try {
      recording = await startRecording();
    } catch {
      showError(el, t("source.microphone_denied"));
      return;
    }
    button.textContent = t("source.stop_recording");
    events("start_recording");
  });
}
