// The page side of Code, ColorPicker, DateTime, HighlightedText and Label (see components.js
// for what an entry may have). Code, HighlightedText and Label show HTML the server drew
// (Pygments' spans, escaped text): it comes in the update's `html`. Colours the app chose
// travel as data-bs-color and are set through the CSSOM, which a strict CSP allows.

// Enter in the field submits (not while composing text).
function submitKey(event) {
  if (event.key !== "Enter" || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return [];
  return ["submit"];
}

function setHtml(node, html) {
  if (node && typeof html === "string") node.innerHTML = html;
}

function paint(el) {
  for (const node of el.querySelectorAll("[data-bs-color]")) node.style.setProperty("--bs-entity-color", node.dataset.bsColor);
}

// A click on a drawn item (an entity, a class): `select` with its index; the server adds the value.
function clickedItem(selector) {
  return (event, el) => {
    const item = event.target.closest(selector);
    if (!item || !el.contains(item)) return [];
    return [[el.dataset.bsId, "select", { index: Number(item.dataset.bsIndex) }]];
  };
}

// -- Code ----------------------------------------------------------------------------------------

// The texts each Code sent lately: an update carrying one of them is the server's echo of
// that edit (several events may be on their way at once: its echo, the app's listeners).
const sentTexts = new WeakMap();
const SENT_KEPT = 32;
const codeArea = (el) => el.querySelector("textarea");

function noteSent(el, text) {
  const sent = sentTexts.get(el) ?? [];
  sent.push(text);
  if (sent.length > SENT_KEPT) sent.shift();
  sentTexts.set(el, sent);
}

const CODE = {
  control: codeArea,
  read(el) {
    const text = codeArea(el).value;
    noteSent(el, text);
    return text;
  },
  write(el, value, update) {
    const area = codeArea(el);
    const text = value ?? "";
    // The echo of an older edit, the visitor having typed since: keep what they typed (the
    // echo of their latest edit brings its highlighting).
    if (area.value !== text && (sentTexts.get(el) ?? []).includes(text)) return;
    if (area.value !== text) area.value = text;
    setHtml(el.querySelector(".bs-code-view code"), update?.html);
  },
  setEditable(el, editable) {
    const area = codeArea(el);
    area.hidden = !editable;
    area.readOnly = !editable;
  },
  listen: { input: ["input", "change"] },
  applyProps(el, props) {
    const view = el.querySelector(".bs-code-view");
    if ("show_line_numbers" in props) view.classList.toggle("bs-code-numbered", Boolean(props.show_line_numbers));
    if ("wrap_lines" in props) view.classList.toggle("bs-code-wrap", Boolean(props.wrap_lines));
    if ("lines" in props) codeArea(el).rows = props.lines;
  },
  // The page holds newer text than the update: it is still the visitor's edit, sent next.
  attach(el, app, update) {
    if (update && "value" in update && codeArea(el).value !== (update.value ?? "")) app.act(el.dataset.bsId, [], true);
  },
};

// -- ColorPicker, DateTime -------------------------------------------------------------------

const input = (el) => el.querySelector("input");

const COLORPICKER = {
  control: input,
  read: (el) => input(el).value,
  write(el, value) {
    input(el).value = value ?? "#000000";
  },
  setEditable(el, editable) {
    input(el).disabled = !editable;
  },
  // Dragging in the picker is input (and change); closing it is a release.
  listen: { input: ["input", "change"], change: ["release"], keydown: submitKey },
};

// The page reads "YYYY-MM-DDTHH:MM[:SS]"; the server's form is "YYYY-MM-DD HH:MM:SS".
const DATETIME = {
  control: input,
  read(el) {
    const field = input(el);
    if (!field.value) return null;
    if (field.type === "date") return field.value;
    const text = field.value.replace("T", " ");
    return text.length === 16 ? `${text}:00` : text;
  },
  write(el, value) {
    const field = input(el);
    const text = value == null ? "" : String(value);
    field.value = field.type === "date" ? text : text.replace(" ", "T");
  },
  setEditable(el, editable) {
    input(el).readOnly = !editable;
  },
  listen: { change: ["change"], keydown: submitKey },
  applyProps(el, props) {
    if ("include_time" in props) input(el).type = props.include_time ? "datetime-local" : "date";
  },
};

// -- HighlightedText, Label ------------------------------------------------------------------

function drawn(selector, body) {
  return {
    write(el, value, update) {
      const node = el.querySelector(body);
      if (typeof update?.html === "string") node.innerHTML = update.html;
      else if (value == null) node.replaceChildren();
      paint(el);
    },
    listen: { click: clickedItem(selector) },
    attach: (el) => paint(el),
  };
}

export const DISPLAY_COMPONENTS = {
  code: CODE,
  colorpicker: COLORPICKER,
  datetime: DATETIME,
  highlightedtext: drawn(".bs-entity", ".bs-highlighted"),
  label: drawn(".bs-confidence", ".bs-label-body"),
};
