// The page side of a Dataframe: a <table> (a grid when editable) drawn from its value,
// {headers, data}, the JSON of #<dom id>-value with `html` (Markdown cells the server
// rendered). Arrow keys move between cells; a click or Enter edits one (Enter or Tab
// keeps the edit, Escape drops it); the whole value goes to the server with `input`,
// `change` and `edit` ({index, value, previous_value}). A click also fires `select`
// ({index, value, row_value, col_value}). The server checks every cell against its
// column's datatype; a refusal puts its value back and its sentence under the table.

import { t } from "./strings.js";

const states = new WeakMap();
const BLANK_TEXT = new Set(["str", "markdown", "html", "image"]);

function json(el, suffix) {
  const script = el.querySelector(`#${CSS.escape(`${el.id}-${suffix}`)}`);
  try {
    return JSON.parse(script?.textContent ?? "null");
  } catch {
    return null;
  }
}

function stateOf(el) {
  if (!states.has(el)) {
    const page = json(el, "value") ?? {};
    const value = page.value ?? { headers: [], data: [] };
    states.set(el, { value, html: page.html ?? null, props: json(el, "props") ?? {}, active: null });
  }
  return states.get(el);
}

const editable = (el) => !el.classList.contains("bs-readonly");
const columns = (state) => state.value.headers.length;

function kindOf(state, column) {
  const datatype = state.props.datatype ?? "str";
  return typeof datatype === "string" ? datatype : (datatype[column] ?? "str");
}

const staticColumn = (state, column) => (state.props.static_columns ?? []).includes(column);
const limits = (state, name) => state.props[name] ?? [null, null];

function cellText(el, cell) {
  const text = cell == null ? "" : String(cell);
  const max = Number(el.dataset.bsMaxChars) || 0;
  return max && [...text].length > max ? `${[...text].slice(0, max).join("")}\u2026` : text;
}

// What a visitor typed, as the column keeps it when it reads as one (the server decides).
function typed(kind, text) {
  if (kind === "number" && text.trim() !== "" && Number.isFinite(Number(text))) return Number(text);
  if (kind === "bool" && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === "true";
  if ((kind === "number" || kind === "bool" || kind === "date") && text.trim() === "") return null;
  return text;
}

function cellName(state, row, column) {
  if (row < 0) return t("table.header", { column: column + 1 });
  return t("table.cell", { column: state.value.headers[column] || t("table.column", { column: column + 1 }), row: row + 1 });
}

function drawCell(el, state, td, row, column) {
  const cell = state.value.data[row][column];
  const kind = kindOf(state, column);
  td.dataset.bsKind = kind;
  if (kind === "bool") {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = cell === true;
    box.disabled = !editable(el) || staticColumn(state, column);
    box.tabIndex = -1;
    box.setAttribute("aria-label", cellName(state, row, column));
    td.replaceChildren(box);
    return;
  }
  const html = state.html?.[row]?.[column];
  if (typeof html === "string") td.innerHTML = html; // rendered and sanitised by the server
  else td.textContent = cellText(el, cell);
}

function draw(el) {
  const state = stateOf(el);
  const table = el.querySelector("table");
  const grid = editable(el);
  const numbers = el.dataset.bsRowNumbers === "true";
  if (grid) table.setAttribute("role", "grid");
  else table.removeAttribute("role");
  const head = document.createElement("tr");
  if (numbers) head.append(Object.assign(document.createElement("th"), { scope: "col", className: "bs-row-number", textContent: "#" }));
  state.value.headers.forEach((text, column) => {
    const th = Object.assign(document.createElement("th"), { scope: "col", textContent: text });
    th.dataset.bsRow = "-1";
    th.dataset.bsCol = String(column);
    head.append(th);
  });
  table.tHead.replaceChildren(head);
  const rows = state.value.data.map((cells, row) => {
    const tr = document.createElement("tr");
    if (numbers) tr.append(Object.assign(document.createElement("th"), { scope: "row", className: "bs-row-number", textContent: String(row + 1) }));
    cells.forEach((_, column) => {
      const td = document.createElement("td");
      td.dataset.bsRow = String(row);
      td.dataset.bsCol = String(column);
      if (grid) td.setAttribute("role", "gridcell");
      drawCell(el, state, td, row, column);
      tr.append(td);
    });
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
  if (state.active && !cellAt(el, ...state.active)) state.active = null;
  markActive(el);
  drawTools(el, state);
  drawWidths(el, state);
}

function drawTools(el, state) {
  const tools = el.querySelector(".bs-dataframe-tools");
  const [, maxRows] = limits(state, "row_limits");
  const [minColumns, maxColumns] = limits(state, "column_limits");
  const addRow = el.querySelector(".bs-add-row");
  const addColumn = el.querySelector(".bs-add-column");
  addRow.hidden = maxRows != null && state.value.data.length >= maxRows;
  addColumn.hidden = (maxColumns != null && columns(state) >= maxColumns) || (minColumns != null && minColumns === maxColumns);
  tools.hidden = !editable(el) || (addRow.hidden && addColumn.hidden);
}

function drawWidths(el, state) {
  const table = el.querySelector("table");
  const widths = state.props.column_widths ?? [];
  table.querySelector("colgroup")?.remove();
  if (!widths.length) return;
  const group = document.createElement("colgroup");
  if (el.dataset.bsRowNumbers === "true") group.append(document.createElement("col"));
  for (let column = 0; column < columns(state); column += 1) {
    const col = document.createElement("col");
    if (widths[column]) col.style.width = widths[column];
    group.append(col);
  }
  table.prepend(group);
}

function cellAt(el, row, column) {
  return el.querySelector(`[data-bs-row="${row}"][data-bs-col="${column}"]`);
}

// One cell is in the page's tab order (the active one, else the first): arrows move it.
function markActive(el) {
  const state = stateOf(el);
  const cells = [...el.querySelectorAll("td[data-bs-row], th[data-bs-row]")];
  for (const cell of cells) {
    cell.tabIndex = -1;
    cell.removeAttribute("aria-selected");
  }
  if (!editable(el) && !state.active) return;
  const active = state.active ? cellAt(el, ...state.active) : el.querySelector("td[data-bs-row]");
  if (!active) return;
  active.tabIndex = 0;
  if (state.active) active.setAttribute("aria-selected", "true");
}

function canEdit(el, state, row, column) {
  if (!editable(el) || staticColumn(state, column)) return false;
  return row >= 0 || (state.props.static_columns ?? []).length === 0;
}

function startEdit(el, row, column, text) {
  const state = stateOf(el);
  if (!canEdit(el, state, row, column) || (row >= 0 && kindOf(state, column) === "bool")) return;
  const cell = cellAt(el, row, column);
  const before = row < 0 ? state.value.headers[column] : state.value.data[row][column];
  const input = document.createElement("input");
  input.className = "bs-cell-input";
  input.value = text ?? (before == null ? "" : String(before));
  input.setAttribute("aria-label", cellName(state, row, column));
  state.editing = { row, column, input };
  cell.replaceChildren(input);
  input.focus();
  if (text === undefined) input.select();
}

function finishEdit(el, keep, move) {
  const state = stateOf(el);
  const editing = state.editing;
  if (!editing) return;
  state.editing = null;
  const { row, column, input } = editing;
  const before = row < 0 ? state.value.headers[column] : state.value.data[row][column];
  const text = input.value;
  const changed = keep && text !== (before == null ? "" : String(before));
  if (changed) {
    const value = structuredClone(state.value);
    if (row < 0) value.headers[column] = text;
    else value.data[row][column] = typed(kindOf(state, column), text);
    state.value = value;
    if (state.html?.[row]) state.html[row][column] = null; // the server renders it again
  }
  // Only this cell is drawn again: a click that ended the edit lands on the cell it aimed at.
  const cell = cellAt(el, row, column);
  if (row < 0) cell.textContent = state.value.headers[column];
  else drawCell(el, state, cell, row, column);
  if (move) moveTo(el, row + move[0], column + move[1]);
  else markActive(el);
  if (changed) {
    const data = { index: [row, column], value: text, previous_value: before == null ? "" : String(before) };
    edited(el, row < 0 ? [] : [["edit", data]]);
  }
}

function edited(el, more = []) {
  const state = stateOf(el);
  setError(el, "");
  state.app?.act(el.dataset.bsId, [["input"], ["change"], ...more], true);
}

function setError(el, message) {
  const node = el.querySelector(".bs-dataframe-error");
  node.textContent = message;
  node.hidden = !message;
}

function moveTo(el, row, column) {
  const state = stateOf(el);
  const lastRow = state.value.data.length - 1;
  const minRow = canEdit(el, state, -1, 0) ? -1 : 0;
  const target = [Math.max(minRow, Math.min(lastRow, row)), Math.max(0, Math.min(columns(state) - 1, column))];
  if (!cellAt(el, ...target)) return;
  state.active = target;
  markActive(el);
  cellAt(el, ...target).focus();
}

function selectCell(el, row, column) {
  const state = stateOf(el);
  const rows = state.value.data;
  const data = { index: [row, column], value: rows[row][column], row_value: rows[row], col_value: rows.map((r) => r[column]) };
  state.app?.act(el.dataset.bsId, [["select", data]]);
}

function addRow(el) {
  const state = stateOf(el);
  const value = structuredClone(state.value);
  value.data.push(value.headers.map((_, column) => (BLANK_TEXT.has(kindOf(state, column)) ? "" : null)));
  state.value = value;
  draw(el);
  moveTo(el, value.data.length - 1, 0);
  edited(el);
}

function addColumn(el) {
  const state = stateOf(el);
  const value = structuredClone(state.value);
  value.headers.push(String(value.headers.length + 1));
  for (const row of value.data) row.push(BLANK_TEXT.has(kindOf(state, value.headers.length - 1)) ? "" : null);
  state.value = value;
  draw(el);
  moveTo(el, 0, value.headers.length - 1);
  edited(el);
}

const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

function onKey(el, event) {
  const state = stateOf(el);
  if (state.editing) {
    if (event.key === "Enter") finishEdit(el, true, [1, 0]);
    else if (event.key === "Escape") finishEdit(el, false, [0, 0]);
    else if (event.key === "Tab") finishEdit(el, true, [0, event.shiftKey ? -1 : 1]);
    else return;
    event.preventDefault();
    return;
  }
  const cell = event.target.closest("[data-bs-row]");
  if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
  const [row, column] = [Number(cell.dataset.bsRow), Number(cell.dataset.bsCol)];
  if (MOVES[event.key]) {
    moveTo(el, row + MOVES[event.key][0], column + MOVES[event.key][1]);
  } else if (event.key === "Enter" || event.key === "F2") {
    startEdit(el, row, column);
  } else if (event.key === " " && row >= 0 && kindOf(state, column) === "bool") {
    toggle(el, row, column);
  } else if (event.key.length === 1 && row >= 0) {
    startEdit(el, row, column, event.key);
  } else {
    return;
  }
  event.preventDefault();
}

function toggle(el, row, column) {
  const state = stateOf(el);
  if (!canEdit(el, state, row, column)) return;
  const before = state.value.data[row][column];
  const value = structuredClone(state.value);
  value.data[row][column] = before !== true;
  state.value = value;
  draw(el);
  moveTo(el, row, column);
  edited(el, [["edit", { index: [row, column], value: String(before !== true), previous_value: String(before ?? "") }]]);
}

function onClick(el, event) {
  if (event.target.closest(".bs-add-row")) return addRow(el);
  if (event.target.closest(".bs-add-column")) return addColumn(el);
  const cell = event.target.closest("[data-bs-row]");
  if (!cell || event.target.closest(".bs-cell-input") || event.target.closest("a")) return;
  const state = stateOf(el);
  const [row, column] = [Number(cell.dataset.bsRow), Number(cell.dataset.bsCol)];
  state.active = [row, column];
  markActive(el);
  if (row >= 0) selectCell(el, row, column);
  if (event.target.type === "checkbox") {
    event.preventDefault();
    toggle(el, row, column);
  } else {
    startEdit(el, row, column);
  }
}

export const DATAFRAME = {
  read: (el) => stateOf(el).value,
  write(el, value, update) {
    const state = stateOf(el);
    state.editing = null;
    state.value = value ?? { headers: [], data: [] };
    state.html = update?.html ?? null;
    draw(el);
  },
  setEditable(el) {
    draw(el);
  },
  applyProps(el, props) {
    const state = stateOf(el);
    for (const name of ["datatype", "row_limits", "column_limits", "static_columns", "column_widths"]) {
      if (name in props) state.props[name] = props[name];
    }
    if ("max_height" in props) el.dataset.bsMaxHeight = String(props.max_height);
    if ("max_chars" in props) el.dataset.bsMaxChars = String(props.max_chars ?? "");
    if ("show_row_numbers" in props) el.dataset.bsRowNumbers = String(Boolean(props.show_row_numbers));
    if ("wrap" in props) el.querySelector("table").classList.toggle("bs-wrap", Boolean(props.wrap));
    const height = el.dataset.bsMaxHeight;
    el.querySelector(".bs-table-scroll").style.maxHeight = /^\d+$/.test(height) ? `${height}px` : height;
    draw(el);
  },
  // The server refused the value the page sent: it has written its own back; say why.
  refused(el, message) {
    setError(el, message);
  },
  attach(el, app) {
    const state = stateOf(el);
    if (state.app) return;
    state.app = app;
    DATAFRAME.applyProps(el, {});
    el.addEventListener("click", (event) => onClick(el, event));
    el.addEventListener("keydown", (event) => onKey(el, event));
    el.addEventListener("focusout", (event) => {
      if (state.editing && event.target === state.editing.input) finishEdit(el, true);
    });
  },
};
