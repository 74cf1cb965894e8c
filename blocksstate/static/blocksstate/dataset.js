// The page side of a Dataset: samples shown as buttons (in a table when there are several
// columns), in pages of `data-bs-per-page`. Its value is the picked sample's index
// (`data-bs-selected`); a click picks one and fires `click`, then `select` with
// {index, value: the sample, selected}. The samples are the JSON of #<dom id>-samples
// (new ones come in the `samples` property with `sample_cells`, the texts to show).

import { t } from "./strings.js";

const wired = new WeakSet();
const samples = new WeakMap();

function samplesOf(el) {
  if (!samples.has(el)) {
    const script = el.querySelector(`#${CSS.escape(`${el.id}-samples`)}`);
    let value = [];
    try {
      value = JSON.parse(script?.textContent ?? "[]");
    } catch {
      value = [];
    }
    samples.set(el, value);
  }
  return samples.get(el);
}

const perPage = (el) => Math.max(1, Number(el.dataset.bsPerPage) || 10);

function showPage(el, page) {
  for (const row of el.querySelectorAll(".bs-sample-row")) row.hidden = Number(row.dataset.bsPage) !== page;
  for (const button of el.querySelectorAll(".bs-dataset-page")) {
    if (Number(button.dataset.bsPage) === page) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
}

function markSelected(el, index) {
  el.dataset.bsSelected = index == null ? "" : String(index);
  for (const button of el.querySelectorAll(".bs-sample")) {
    if (Number(button.dataset.bsIndex) === index) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

function sampleButton(index, text, name) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "bs-sample";
  button.dataset.bsIndex = String(index);
  button.textContent = text;
  if (name !== text) button.setAttribute("aria-label", name);
  return button;
}

// Draw new samples (their texts come from the server) and their page buttons.
function renderSamples(el, cells) {
  const table = el.dataset.bsLayout === "table";
  const body = el.querySelector(".bs-samples");
  const rows = cells.map((row, index) => {
    const name = row.filter(Boolean).join(", ") || t("dataset.sample", { number: index + 1 });
    const page = Math.floor(index / perPage(el));
    const item = document.createElement(table ? "tr" : "li");
    item.className = "bs-sample-row";
    item.dataset.bsPage = String(page);
    if (table) {
      row.forEach((text, column) => {
        const cell = document.createElement("td");
        cell.append(column === 0 ? sampleButton(index, text, name) : text);
        item.append(cell);
      });
    } else {
      item.append(sampleButton(index, name, name));
    }
    return item;
  });
  body.replaceChildren(...rows);
  const nav = el.querySelector(".bs-dataset-pages");
  const pages = Math.max(1, Math.ceil(cells.length / perPage(el)));
  nav.replaceChildren(
    ...Array.from({ length: pages }, (_, page) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "bs-dataset-page";
      button.dataset.bsPage = String(page);
      button.textContent = String(page + 1);
      return button;
    }),
  );
  nav.hidden = pages < 2;
  showPage(el, 0);
}

export const DATASET = {
  read(el) {
    const index = el.dataset.bsSelected;
    return index === undefined || index === "" ? null : Number(index);
  },
  write(el, value) {
    markSelected(el, value ?? null);
  },
  applyProps(el, props) {
    if ("samples_per_page" in props) el.dataset.bsPerPage = String(props.samples_per_page);
    if ("samples" in props) samples.set(el, props.samples ?? []);
    if ("sample_cells" in props) renderSamples(el, props.sample_cells ?? []);
    if ("headers" in props) {
      const head = el.querySelector("thead");
      if (head) {
        const row = document.createElement("tr");
        for (const text of props.headers ?? []) {
          const th = document.createElement("th");
          th.scope = "col";
          th.textContent = text;
          row.append(th);
        }
        head.replaceChildren(row);
        head.hidden = !(props.headers ?? []).length;
      }
    }
    markSelected(el, DATASET.read(el));
  },
  attach(el, app) {
    if (wired.has(el)) return;
    wired.add(el);
    el.addEventListener("click", (event) => {
      const page = event.target.closest(".bs-dataset-page");
      if (page) {
        showPage(el, Number(page.dataset.bsPage));
        return;
      }
      const button = event.target.closest(".bs-sample");
      if (!button) return;
      const index = Number(button.dataset.bsIndex);
      markSelected(el, index);
      const value = samplesOf(el)[index] ?? null;
      app.act(el.dataset.bsId, [["click"], ["select", { index, value, selected: true }]], true);
    });
  },
};
