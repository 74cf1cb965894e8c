// The MultimodalTextbox's REGISTRY entry (components.js lists the fields of an entry).
//
// Its value is {text, files}: the text of its textarea and the files attached, in their page
// form (records with `url` and `ref`, docs/files.md; the template writes the first ones as
// JSON, #<dom id>-value). Files go up through uploads.js as any file component's and are
// shown as chips, each with a remove button; Enter (without Shift) or the send button
// fires `submit` with the text and the files together, never while an upload runs.

import { wireInput } from "./file-sources.js";
import { renderFileList } from "./file-views.js";
import { clearError, uploadFiles } from "./uploads.js";

const files = new WeakMap();
const wired = new WeakSet();

const textArea = (el) => el.querySelector(".bs-mm-text");
const isEditable = (el) => el.dataset.bsEditable !== "false";
const uploading = (el) => Boolean(el.dataset.bsUploading);

function filesOf(el) {
  if (!files.has(el)) {
    let value = null;
    try {
      value = JSON.parse(el.querySelector(`#${CSS.escape(`${el.id}-value`)}`)?.textContent ?? "null");
    } catch {
      value = null;
    }
    files.set(el, Array.isArray(value?.files) ? value.files : []);
  }
  return files.get(el);
}

function setFiles(el, list) {
  files.set(el, list);
  renderFileList(el, list, isEditable(el));
}

function submitKey(event) {
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return [];
  if (!event.target.matches?.(".bs-mm-text")) return [];
  // Not sent while a file is still going up; Enter adds no new line either way.
  event.preventDefault();
  return uploading(event.target.closest("[data-bs-id]")) ? [] : ["submit"];
}

function clicked(event, el) {
  if (event.target.closest(".bs-mm-submit:not([disabled])")) return uploading(el) ? [] : ["submit"];
  if (event.target.closest(".bs-mm-stop")) return ["stop"];
  return [];
}

export const MULTIMODAL = {
  control: textArea,
  read: (el) => ({ text: textArea(el).value, files: filesOf(el) }),
  write(el, value) {
    const text = typeof value === "string" ? value : (value?.text ?? "");
    const area = textArea(el);
    // Left alone when nothing changed, so the caret does not jump.
    if (area.value !== text) area.value = text;
    setFiles(el, Array.isArray(value?.files) ? value.files : []);
  },
  setEditable(el, editable) {
    el.dataset.bsEditable = String(editable);
    textArea(el).readOnly = !editable;
    const zone = el.querySelector(".bs-mm-attach");
    if (zone) zone.hidden = !editable;
    const input = el.querySelector(".bs-file-input");
    if (input) input.disabled = !editable;
    const send = el.querySelector(".bs-mm-submit");
    if (send) send.disabled = !editable;
    for (const button of el.querySelectorAll(".bs-file-remove")) button.hidden = !editable;
  },
  listen: {
    input: (event) => (event.target.matches?.(".bs-mm-text") ? ["input", "change"] : []),
    select: (event) => (event.target.matches?.(".bs-mm-text") ? ["select"] : []),
    keydown: submitKey,
    click: clicked,
  },
  attach(el, app) {
    if (wired.has(el)) return;
    wired.add(el);
    const id = el.dataset.bsId;
    const single = el.dataset.bsFileCount === "single";
    wireInput(el, (chosen) => {
      if (!isEditable(el) || !chosen.length) return;
      // file_count="single": one file per upload, added to those attached (as Gradio's).
      uploadFiles(app, el, single ? chosen.slice(0, 1) : chosen, (records) => {
        setFiles(el, [...filesOf(el), ...records]);
        app.act(id, [["change"], ["input"]], true);
      });
    });
    el.addEventListener("click", (event) => {
      const remove = event.target.closest(".bs-file-remove");
      if (!remove || !isEditable(el)) return;
      const index = [...el.querySelectorAll(".bs-file-remove")].indexOf(remove);
      clearError(el);
      setFiles(el, filesOf(el).filter((_, i) => i !== index));
      app.act(id, [["change"], ["input"]], true);
      textArea(el).focus();
    });
  },
};
