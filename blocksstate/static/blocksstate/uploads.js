// Uploads over HTTP (docs/files.md): a multipart POST of the files to the app's upload
// URL with the session's upload token, a progress bar in the component while it runs,
// and the refusal's sentence shown on the component. The socket carries no file.

import { percent, t } from "./strings.js";

// The sentence a refusal shows, shown in the component's alert (role=alert) until the next try.
export function showError(el, message) {
  const node = el.querySelector(".bs-file-error");
  if (node) node.textContent = message ?? "";
}

export function clearError(el) {
  showError(el, "");
}

function progressBar(el, files) {
  const bar = document.createElement("div");
  bar.className = "bs-upload-progress";
  const meter = document.createElement("progress");
  meter.max = 100;
  meter.value = 0;
  meter.setAttribute("aria-label", files.length === 1 ? t("upload.one", { name: files[0].name }) : t("upload.many", { count: files.length }));
  const shown = document.createElement("span");
  shown.className = "bs-upload-percent";
  shown.textContent = percent(0);
  bar.append(meter, shown);
  (el.querySelector(".bs-upload-status") ?? el).append(bar);
  return {
    set(fraction) {
      const value = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      meter.value = value;
      shown.textContent = percent(value / 100);
    },
    remove: () => bar.remove(),
  };
}

function answer(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// Upload `files` (File objects) for component `el` of `app`; call `done(records)` with the
// page records the server answered. Refusals are shown on the component and `done` is not
// called: the value is unchanged. One upload at a time per component.
export function uploadFiles(app, el, files, done) {
  files = [...files];
  if (!files.length || el.dataset.bsUploading) return;
  clearError(el);
  const url = app.config.files?.upload_url;
  if (!url) {
    showError(el, t("upload.unavailable"));
    return;
  }
  if (!app.uploadToken || app.closed) {
    showError(el, t(app.closed ? "upload.session_ended" : "upload.not_connected"));
    return;
  }
  const bar = progressBar(el, files);
  el.dataset.bsUploading = "true";
  el.setAttribute("aria-busy", "true");
  const end = () => {
    bar.remove();
    delete el.dataset.bsUploading;
    el.removeAttribute("aria-busy");
  };
  const chunkBytes = app.config.files?.chunk_bytes;
  const chunkUrl = app.config.files?.chunk_url;
  const chunked = chunkUrl && chunkBytes > 0 && files.some((file) => file.size > chunkBytes);
  const sending = chunked ? sendChunked(app, el, files, chunkUrl, chunkBytes, bar) : sendMultipart(app, el, files, url, bar);
  sending.then(
    (records) => {
      end();
      if (!app.closed) done(records);
    },
    (message) => {
      end();
      showError(el, message);
    },
  );
}

// One POST; resolves with the answer (status, parsed JSON), rejects on a network error.
function post(url, headers, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded);
    });
    xhr.addEventListener("load", () => resolve({ status: xhr.status, reply: answer(xhr.responseText) }));
    xhr.addEventListener("error", () => reject(new Error("network")));
    xhr.send(body);
  });
}

const lost = () => t("upload.lost");

// The session's upload token, and the page's language: the server's refusals are said in it.
function identity(app) {
  const headers = { "X-Blocksstate-Upload": app.uploadToken };
  if (app.config.language) headers["X-Blocksstate-Language"] = app.config.language;
  return headers;
}

function refusalOf(status, reply) {
  return typeof reply?.error === "string" ? reply.error : t("upload.refused", { status });
}

// Small files: one multipart POST of the whole batch (stored whole or not at all).
async function sendMultipart(app, el, files, url, bar) {
  const body = new FormData();
  body.append("component", el.dataset.bsId);
  for (const file of files) body.append("files", file, file.name);
  const total = files.reduce((sum, file) => sum + file.size, 0) || 1;
  let result;
  try {
    result = await post(url, identity(app), body, (loaded) => bar.set(loaded / total));
  } catch {
    throw lost();
  }
  if (result.status === 200 && Array.isArray(result.reply?.files)) return result.reply.files;
  throw refusalOf(result.status, result.reply);
}

function uploadId() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

// A batch with a file bigger than one chunk: each file in chunks of `chunkBytes`, each chunk
// its own request (daphne then holds one chunk, never the file; docs/files.md). A chunk is
// sent again once after a network error; a 409 says where the server is, and the page goes
// on from there. Progress counts every chunk of every file of the batch.
async function sendChunked(app, el, files, url, chunkBytes, bar) {
  const total = files.reduce((sum, file) => sum + file.size, 0) || 1;
  let sent = 0;
  const records = [];
  for (const file of files) {
    const id = uploadId();
    let offset = 0;
    let retried = false;
    let resyncs = 0;
    for (;;) {
      const piece = file.slice(offset, offset + chunkBytes);
      const headers = {
        ...identity(app),
        "X-Blocksstate-Upload-Id": id,
        "X-Blocksstate-Component": el.dataset.bsId,
        "X-Blocksstate-File-Name": encodeURIComponent(file.name),
        "X-Blocksstate-File-Size": String(file.size),
        "X-Blocksstate-Offset": String(offset),
        "X-Blocksstate-File-Count": String(files.length),
        "Content-Type": "application/octet-stream",
      };
      let result;
      try {
        result = await post(url, headers, piece, (loaded) => bar.set((sent + offset + loaded) / total));
      } catch {
        if (retried || app.closed) throw lost();
        retried = true;
        continue;
      }
      retried = false;
      const { status, reply } = result;
      if (status === 409 && Number.isInteger(reply?.offset) && resyncs < 3) {
        resyncs += 1;
        offset = reply.offset;
        continue;
      }
      if (status !== 200) throw refusalOf(status, reply);
      if (Array.isArray(reply?.files)) {
        records.push(...reply.files);
        break;
      }
      if (!Number.isInteger(reply?.received)) throw refusalOf(status, reply);
      offset = reply.received;
      bar.set((sent + offset) / total);
    }
    sent += file.size;
  }
  return records;
}
