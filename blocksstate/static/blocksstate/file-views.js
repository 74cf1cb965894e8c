// How file values are shown: a list of files, an image, an audio or video player, a
// gallery, a download link. The same markup as the templates (components/file.html...),
// built from a page record ({path, orig_name, size, mime_type, url, ref}).

import { pageLanguage, t } from "./strings.js";

export const asList = (value) => (Array.isArray(value) ? value : value == null ? [] : [value]);

// "1.2 MB", as Django's filesizeformat writes it (1024 steps), in the page's language.
export function formatSize(bytes) {
  if (!(bytes >= 0)) return "";
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  if (unit === 0) return t("size.bytes", { size, count: size });
  const number = new Intl.NumberFormat(pageLanguage(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return t(`size.${units[unit]}`, { size: number.format(size) });
}

function showEmpty(el, empty) {
  const node = el.querySelector(".bs-media-empty");
  if (node) node.hidden = !empty;
}

// Files as a list of links, each with a remove (×) button while the component is editable.
export function renderFileList(el, value, editable) {
  const items = asList(value).map((record) => {
    const li = document.createElement("li");
    li.className = "bs-file-item";
    const link = document.createElement("a");
    link.className = "bs-file-link";
    link.href = record.url;
    link.download = record.orig_name ?? "";
    link.textContent = record.orig_name ?? "";
    const size = document.createElement("span");
    size.className = "bs-file-size";
    size.textContent = formatSize(record.size);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "bs-file-remove";
    remove.setAttribute("aria-label", t("file.remove", { name: record.orig_name ?? t("file") }));
    remove.textContent = "\u00d7";
    remove.hidden = !editable;
    li.append(link, " ", size, " ", remove);
    return li;
  });
  el.querySelector(".bs-file-list").replaceChildren(...items);
  showEmpty(el, items.length === 0);
}

// One image, audio or video record in the component's <img>, <audio> or <video>.
export function renderMedia(el, record) {
  const node = el.querySelector(".bs-image-view, .bs-player");
  if (record?.url) {
    if (node.getAttribute("src") !== record.url) node.src = record.url;
    // An image's alt text is the component's (alt_text, else its label: data-bs-alt).
    if (node.tagName === "IMG") node.alt = el.dataset.bsAlt ?? record.orig_name ?? "";
  } else {
    node.removeAttribute("src");
    node.load?.();
  }
  node.hidden = !record?.url;
  showEmpty(el, !record?.url);
}

// A gallery's number of columns: `columns`, or fewer when it has fewer images and
// `fit_columns` (Gradio's default), so that they fill its width.
export function fitColumns(el) {
  const columns = Number(el.dataset.bsColumns);
  if (!(columns > 0)) return;
  const count = el.querySelectorAll(".bs-gallery-cell").length;
  const fit = el.dataset.bsFitColumns !== "false" && count > 0;
  el.style.setProperty("--bs-columns", String(fit ? Math.min(columns, count) : columns));
}

function galleryName(item, index) {
  return item.caption || item.image?.orig_name || t("file.image", { number: index + 1 });
}

// Gallery items ({image: record, caption}) as a grid of buttons, each an image.
export function renderGallery(el, items) {
  const cells = asList(items).map((item, index) => {
    const li = document.createElement("li");
    li.className = "bs-gallery-cell";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "bs-gallery-item";
    button.dataset.bsIndex = String(index);
    const img = document.createElement("img");
    img.className = "bs-gallery-thumb";
    img.src = item.image?.url ?? "";
    img.alt = galleryName(item, index);
    img.loading = "lazy";
    button.append(img);
    li.append(button);
    if (item.caption) {
      const caption = document.createElement("span");
      caption.className = "bs-gallery-caption";
      caption.textContent = item.caption;
      li.append(caption);
    }
    return li;
  });
  el.querySelector(".bs-gallery-grid").replaceChildren(...cells);
  fitColumns(el);
  showEmpty(el, cells.length === 0);
  showPreview(el, null);
}

// The large view of one gallery item, or none (null).
export function showPreview(el, item, index = 0) {
  const preview = el.querySelector(".bs-gallery-preview");
  for (const button of el.querySelectorAll(".bs-gallery-item")) {
    if (item && Number(button.dataset.bsIndex) === index) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
  if (!item) {
    preview.hidden = true;
    return;
  }
  const img = preview.querySelector(".bs-gallery-preview-image");
  img.src = item.image?.url ?? "";
  img.alt = galleryName(item, index);
  const caption = preview.querySelector(".bs-gallery-preview-caption");
  caption.textContent = item.caption ?? "";
  caption.hidden = !item.caption;
  preview.hidden = false;
}

// A DownloadButton's link: to the record's URL, or disabled without one.
export function renderDownload(el, record) {
  const link = el.querySelector(".bs-download");
  if (record?.url) {
    link.href = record.url;
    link.download = record.orig_name ?? "";
    link.removeAttribute("aria-disabled");
  } else {
    link.removeAttribute("href");
    link.removeAttribute("download");
    link.setAttribute("aria-disabled", "true");
  }
}
