// Uploads over HTTP (docs/files.md): a multipart POST of the files to the app's upload
// URL with the session's upload token, a progress bar in the component while it runs,
// and the refusal's sentence shown on the component. The socket carries no file.

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
  meter.setAttribute("aria-label", files.length === 1 ? `Uploading ${files[0].name}` : `Uploading ${files.length} files`);
  const percent = document.createElement("span");
  percent.className = "bs-upload-percent";
  percent.textContent = "0%";
  bar.append(meter, percent);
  (el.querySelector(".bs-upload-status") ?? el).append(bar);
  return {
    set(fraction) {
      const value = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      meter.value = value;
      percent.textContent = `${value}%`;
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
    showError(el, "Uploads are not available: this site does not serve blocksstate's upload URL.");
    return;
  }
  if (!app.uploadToken || app.closed) {
    showError(el, app.closed ? "This session has ended: reload the page to upload." : "Not connected to the server yet: try again in a moment.");
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

const LOST = "The upload failed: the connection to the server was lost. Try again.";

function refusalOf(status, reply) {
  return typeof reply?.error === "string" ? reply.error : `The server refused the upload (HTTP ${status}).`;
}

// Small files: one multipart POST of the whole batch (stored whole or not at all).
async function sendMultipart(app, el, files, url, bar) {
  const body = new FormData();
  body.append("component", el.dataset.bsId);
  for (const file of files) body.append("files", file, file.name);
  const total = files.reduce((sum, file) => sum + file.size, 0) || 1;
  let result;
  try {
    result = await post(url, { "X-Blocksstate-Upload": app.uploadToken }, body, (loaded) => bar.set(loaded / total));
  } catch {
    throw LOST;
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
        "X-Blocksstate-Upload": app.uploadToken,
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
        if (retried || app.closed) throw LOST;
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
