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
  const body = new FormData();
  body.append("component", el.dataset.bsId);
  for (const file of files) body.append("files", file, file.name);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", url);
  xhr.setRequestHeader("X-Blocksstate-Upload", app.uploadToken);
  const bar = progressBar(el, files);
  el.dataset.bsUploading = "true";
  el.setAttribute("aria-busy", "true");
  const end = () => {
    bar.remove();
    delete el.dataset.bsUploading;
    el.removeAttribute("aria-busy");
  };
  xhr.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable && event.total) bar.set(event.loaded / event.total);
  });
  xhr.addEventListener("load", () => {
    end();
    const reply = answer(xhr.responseText);
    if (xhr.status === 200 && Array.isArray(reply?.files)) {
      if (!app.closed) done(reply.files);
      return;
    }
    showError(el, typeof reply?.error === "string" ? reply.error : `The server refused the upload (HTTP ${xhr.status}).`);
  });
  xhr.addEventListener("error", () => {
    end();
    showError(el, "The upload failed: the connection to the server was lost. Try again.");
  });
  xhr.send(body);
}
