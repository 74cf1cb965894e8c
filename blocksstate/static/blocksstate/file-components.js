// The page side of the file components (File, UploadButton, DownloadButton, Image, Audio,
// Video, Gallery): their REGISTRY entries (components.js lists the fields of an entry).
//
// A component's value is kept here in its page form (records with `url` and `ref`, see
// docs/files.md): the template writes the first one as JSON (#<dom id>-value), `write`
// replaces it, and `read` returns it as it is: the server keeps only the files whose `ref`
// it signed. The visitor changes it by uploading (uploads.js; the sources in
// file-sources.js), removing a file or clearing it; each change is sent with the
// component's events (App.act): `upload` then `change`, `delete` ({file}) then `change`,
// `clear` then `change`.

import { wireClipboard, wireInput, wireMicrophone, wireWebcam } from "./file-sources.js";
import { asList, fitColumns, renderDownload, renderFileList, renderGallery, renderMedia, showPreview } from "./file-views.js";
import { clearError, uploadFiles } from "./uploads.js";
import { t } from "./strings.js";

const values = new WeakMap();
const wired = new WeakSet();

function initialValue(el) {
  const script = el.querySelector(`#${CSS.escape(`${el.id}-value`)}`);
  if (!script) return null;
  try {
    const value = JSON.parse(script.textContent);
    return value === "" ? null : value;
  } catch {
    return null;
  }
}

function valueOf(el) {
  if (!values.has(el)) values.set(el, initialValue(el));
  return values.get(el);
}

const isEditable = (el) => el.dataset.bsEditable !== "false";
const isMultiple = (el) => el.dataset.bsFileCount === "multiple" || el.dataset.bsFileCount === "directory";
const isEmpty = (value) => asList(value).length === 0;

function showClear(el) {
  const clear = el.querySelector(".bs-file-clear");
  if (clear) clear.hidden = !isEditable(el) || isEmpty(valueOf(el));
}

// `accept` of a file input for Gradio's file_types (".png", or "image" for any image).
function acceptOf(fileTypes) {
  const kinds = new Set(["image", "audio", "video", "text"]);
  return (fileTypes ?? []).map((kind) => (kinds.has(kind) ? `${kind}/*` : kind)).join(",");
}

// A CSS length for a height given as a number of pixels or as CSS ("50vh").
const cssLength = (value) => (/^\d+(\.\d+)?$/.test(String(value)) ? `${value}px` : String(value));

function setSizes(el, { height, columns }) {
  if (height != null && height !== "") el.style.setProperty("--bs-height", cssLength(height));
  else if (height === null) el.style.removeProperty("--bs-height");
  if (Number(columns) > 0) {
    el.dataset.bsColumns = String(columns);
    el.style.setProperty("--bs-columns", String(columns));
  }
  if (el.dataset.bsType === "gallery") fitColumns(el);
}

function applyFileProps(el, props) {
  const input = el.querySelector(".bs-file-input");
  if ("file_types" in props && input) {
    const accept = acceptOf(props.file_types);
    if (accept) input.accept = accept;
    else input.removeAttribute("accept");
  }
  if ("file_count" in props) {
    el.dataset.bsFileCount = props.file_count;
    if (input) input.multiple = isMultiple(el);
  }
  if ("fit_columns" in props) el.dataset.bsFitColumns = String(props.fit_columns !== false);
  setSizes(el, { height: props.height, columns: props.columns });
  applyAltText(el, props);
}

// An Image's alt text: `alt_text`, else its label (as the template writes it).
function applyAltText(el, props) {
  if (el.dataset.bsType !== "image") return;
  if ("alt_text" in props) {
    if (props.alt_text == null) el.dataset.bsAltFromLabel = "";
    else delete el.dataset.bsAltFromLabel;
  }
  const fromLabel = "bsAltFromLabel" in el.dataset;
  if ("alt_text" in props && !fromLabel) el.dataset.bsAlt = props.alt_text;
  else if (fromLabel && ("label" in props || "alt_text" in props)) {
    const label = "label" in props ? props.label : el.querySelector(".bs-caption")?.textContent;
    el.dataset.bsAlt = label ?? "";
  } else return;
  const img = el.querySelector(".bs-image-view");
  if (img) img.alt = el.dataset.bsAlt;
}

function setFileEditable(el, editable) {
  el.dataset.bsEditable = String(editable);
  const zone = el.querySelector(".bs-dropzone");
  if (zone) zone.hidden = !editable;
  const input = el.querySelector(".bs-dropzone .bs-file-input");
  if (input) input.disabled = !editable;
  for (const button of el.querySelectorAll(".bs-file-remove")) button.hidden = !editable;
  for (const button of el.querySelectorAll(".bs-source")) button.hidden = !editable || !button.dataset.bsAvailable;
  showClear(el);
}

// Media elements' own events: play, pause, and the end of the media (`stop`, and Video's `end`).
const playerEvents = (names) => (event) => (event.target.matches?.(".bs-player") ? names : []);
const MEDIA_EVENTS = { play: playerEvents(["play"]), pause: playerEvents(["pause"]), ended: playerEvents(["stop", "end"]) };

// An entry for a component the visitor uploads into. `show(el, value)` renders a value;
// `merge(el, value, records)` is the value after an upload answered with `records`.
function uploadTarget({ show, merge, listen }) {
  const setValue = (el, value) => {
    values.set(el, isEmpty(value) ? null : value);
    show(el, valueOf(el));
    showClear(el);
  };
  // The visitor changed the value: show it and send it with `events`.
  const change = (el, app, value, events) => {
    clearError(el);
    setValue(el, value);
    app.act(el.dataset.bsId, events, true);
  };
  return {
    control: (el) => el.querySelector(".bs-file-input"),
    read: valueOf,
    write: setValue,
    setEditable: setFileEditable,
    listen,
    applyProps: applyFileProps,
    attach(el, app) {
      if (wired.has(el)) return;
      wired.add(el);
      setSizes(el, { height: el.dataset.bsHeight, columns: el.dataset.bsColumns });
      const take = (files) => {
        if (!isEditable(el) || !files.length) return;
        const chosen = isMultiple(el) || el.dataset.bsType === "gallery" ? files : files.slice(0, 1);
        uploadFiles(app, el, chosen, (records) =>
          change(el, app, merge(el, valueOf(el), records), [["upload"], ["change"], ["input"]]),
        );
      };
      wireInput(el, take);
      wireClipboard(el, take);
      wireWebcam(el, take);
      wireMicrophone(el, take, (name) => app.act(el.dataset.bsId, [[name]]));
      el.addEventListener("click", (event) => {
        // A file's link: the browser downloads it, and the component's `download` fires
        // with the file ({file}: the server reads it by its ref).
        const link = event.target.closest(".bs-file-link");
        if (link) {
          const index = [...el.querySelectorAll(".bs-file-link")].indexOf(link);
          const file = asList(valueOf(el))[index];
          if (file) app.act(el.dataset.bsId, [["download", { file }]]);
          return;
        }
        if (!isEditable(el)) return;
        const remove = event.target.closest(".bs-file-remove");
        if (remove) {
          const list = asList(valueOf(el));
          const index = [...el.querySelectorAll(".bs-file-remove")].indexOf(remove);
          const file = list[index];
          if (!file) return;
          const rest = list.filter((_, i) => i !== index);
          change(el, app, Array.isArray(valueOf(el)) ? rest : null, [["delete", { file }], ["change"]]);
          el.querySelector(".bs-file-input")?.focus();
        } else if (event.target.closest(".bs-file-clear")) {
          change(el, app, null, [["clear"], ["change"], ["input"]]);
          el.querySelector(".bs-file-input")?.focus();
        }
      });
    },
  };
}

const appendFiles = (el, value, records) => (isMultiple(el) ? [...asList(value), ...records] : records[0]);
const firstFile = (el, value, records) => records[0];

const galleryEntry = uploadTarget({
  show: renderGallery,
  merge: (el, value, records) => [...asList(value), ...records.map((image) => ({ image, caption: null }))],
});
const galleryAttach = galleryEntry.attach;
// Clicking an image selects it (`select` with {index, value, selected}) and opens its preview.
galleryEntry.attach = (el, app, update) => {
  if (wired.has(el)) return;
  galleryAttach(el, app, update);
  const id = el.dataset.bsId;
  const close = () => {
    if (el.querySelector(".bs-gallery-preview").hidden) return;
    const index = Number(el.querySelector('.bs-gallery-item[aria-current="true"]')?.dataset.bsIndex ?? 0);
    showPreview(el, null);
    el.querySelector(`.bs-gallery-item[data-bs-index="${index}"]`)?.focus();
    app.act(id, [["preview_close"]]);
  };
  el.addEventListener("click", (event) => {
    const button = event.target.closest(".bs-gallery-item");
    if (button) {
      const index = Number(button.dataset.bsIndex);
      const item = asList(valueOf(el))[index];
      if (!item) return;
      showPreview(el, item, index);
      app.act(id, [["select", { index, value: item, selected: true }], ["preview_open"]]);
    } else if (event.target.closest(".bs-gallery-close")) close();
  });
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
};

// Each upload replaces an UploadButton's value (as in Gradio), rather than adding to it.
const uploadButtonEntry = uploadTarget({ show: () => {}, merge: (el, value, records) => (isMultiple(el) ? records : records[0]) });
const uploadButtonAttach = uploadButtonEntry.attach;

function buttonCaption(selector, fallback) {
  return (el, label) => {
    const button = el.querySelector(selector);
    if (button) button.textContent = label ?? t(fallback);
  };
}

export const FILE_COMPONENTS = {
  file: uploadTarget({ show: (el, value) => renderFileList(el, value, isEditable(el)), merge: appendFiles }),

  image: uploadTarget({ show: renderMedia, merge: firstFile }),

  audio: uploadTarget({ show: renderMedia, merge: firstFile, listen: MEDIA_EVENTS }),

  video: uploadTarget({ show: renderMedia, merge: firstFile, listen: MEDIA_EVENTS }),

  gallery: galleryEntry,

  // A button that opens the file picker.
  uploadbutton: {
    ...uploadButtonEntry,
    setEditable(el, editable) {
      el.dataset.bsEditable = String(editable);
      el.querySelector(".bs-upload-trigger").disabled = !editable;
    },
    listen: { click: (event) => (event.target.closest(".bs-upload-trigger:not([disabled])") ? ["click"] : []) },
    caption: buttonCaption(".bs-upload-trigger", "file.upload"),
    applyProps(el, props) {
      applyFileProps(el, props);
      const button = el.querySelector(".bs-upload-trigger");
      if ("interactive" in props) button.disabled = props.interactive === false;
      if ("variant" in props) button.className = button.className.replace(/\bbs-variant-\S+/, `bs-variant-${props.variant}`);
    },
    attach(el, app, update) {
      if (wired.has(el)) return;
      uploadButtonAttach(el, app, update);
      el.querySelector(".bs-upload-trigger").addEventListener("click", () => {
        if (isEditable(el)) el.querySelector(".bs-file-input").click();
      });
    },
  },

  // A link that downloads its file; clicking it is its `click` event.
  downloadbutton: {
    read: valueOf,
    write(el, value) {
      values.set(el, value ?? null);
      renderDownload(el, value);
    },
    listen: { click: (event) => (event.target.closest("a.bs-download[href]") ? ["click"] : []) },
    caption: buttonCaption(".bs-download", "file.download"),
    applyProps(el, props) {
      const link = el.querySelector(".bs-download");
      if ("variant" in props) link.className = link.className.replace(/\bbs-variant-\S+/, `bs-variant-${props.variant}`);
    },
  },
};
