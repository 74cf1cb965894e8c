// Reading and writing components in the page, by type (the data-bs-type of
// their wrapper, as rendered by blocksstate/components/<type>.html).
//
// Writing a value here never dispatches input/change events: the server has
// already run the listeners of changes it made itself.

import { renderMarkdown } from "./markdown.js";

// Types whose value a visitor can edit (the server's `accepts_input`).
export const INPUT_TYPES = new Set(["textbox", "number", "slider", "checkbox", "checkboxgroup", "radio", "dropdown"]);
const TEXT_TYPES = new Set(["textbox", "number", "slider"]);
const CHOICE_TYPES = new Set(["checkboxgroup", "radio", "dropdown"]);
const TYPE_NAMES = {
  textbox: "Textbox", number: "Number", slider: "Slider", checkbox: "Checkbox",
  checkboxgroup: "Checkbox group", radio: "Radio", dropdown: "Dropdown", json: "JSON",
  label: "Label", chatbot: "Chatbot",
};

export const isTextLike = (type) => TEXT_TYPES.has(type);
export const isChoice = (type) => CHOICE_TYPES.has(type) || type === "checkbox";

// A value's identity for comparing choices (1 and 1.0 are the same choice).
const key = (value) => JSON.stringify(value ?? null);
const parse = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

// The element holding a component's value (or its group of inputs).
export function control(el) {
  switch (el.dataset.bsType) {
    case "textbox":
      return el.querySelector("input, textarea");
    case "number":
    case "slider":
    case "checkbox":
      return el.querySelector("input");
    case "dropdown":
      return el.querySelector("select");
    case "button":
      return el.querySelector("button, a");
    default:
      return null;
  }
}

function choiceInputs(el) {
  return [...el.querySelectorAll(".bs-choices input")];
}

export function readValue(el) {
  const type = el.dataset.bsType;
  const input = control(el);
  switch (type) {
    case "textbox":
      return input.value;
    case "number": {
      if (input.value.trim() === "") return null;
      const number = Number(input.value);
      return Number.isFinite(number) ? number : null;
    }
    case "slider":
      return Number(input.value);
    case "checkbox":
      return input.checked;
    case "checkboxgroup":
      return choiceInputs(el).filter((box) => box.checked).map((box) => parse(box.dataset.bsValue));
    case "radio": {
      const checked = choiceInputs(el).find((box) => box.checked);
      return checked ? parse(checked.dataset.bsValue) : null;
    }
    case "dropdown": {
      const chosen = [...input.selectedOptions].map((option) => parse(option.dataset.bsValue));
      return input.multiple ? chosen : (chosen[0] ?? null);
    }
    default:
      return undefined;
  }
}

function setText(node, text) {
  if (node) node.textContent = text ?? "";
}

// Show a slider's number next to it (after a drag, or a value from the server).
export function showSliderValue(el) {
  setText(el.querySelector(".bs-slider-value"), control(el).value);
}

export function writeValue(el, value) {
  const type = el.dataset.bsType;
  const input = control(el);
  switch (type) {
    case "textbox": {
      const text = value == null ? "" : String(value);
      const grows = input.type === "text" && input.dataset.bsGrow !== undefined;
      const field = grows && text.includes("\n") ? toTextarea(input) : input;
      // Leave the field alone when nothing changed, so the caret does not jump.
      if (field.value !== text) field.value = text;
      if (field.dataset.bsGrow !== undefined) {
        field.rows = Math.min(text.split("\n").length, Number(field.dataset.bsGrow) || 20);
      }
      break;
    }
    case "number": {
      const text = value == null ? "" : String(value);
      if (readValue(el) !== value) input.value = text;
      break;
    }
    case "slider":
      if (value != null) input.value = String(value);
      showSliderValue(el);
      break;
    case "checkbox":
      input.checked = Boolean(value);
      break;
    case "checkboxgroup":
    case "radio": {
      const wanted = new Set((Array.isArray(value) ? value : value == null ? [] : [value]).map(key));
      for (const box of choiceInputs(el)) box.checked = wanted.has(key(parse(box.dataset.bsValue)));
      break;
    }
    case "dropdown":
      writeDropdown(el, input, value);
      break;
    case "button":
      setText(input, value);
      break;
    case "markdown":
      el.querySelector(".bs-prose").innerHTML = renderMarkdown(value);
      break;
    case "html":
      // gr.HTML holds the app developer's own markup (as in Gradio).
      el.querySelector(".bs-html-body").innerHTML = value ?? "";
      break;
    case "json":
      setText(el.querySelector(".bs-json-body code"), value == null ? "" : JSON.stringify(value, null, 2));
      break;
    case "label":
      writeLabel(el, value);
      break;
    case "chatbot":
      writeChat(el, value);
      break;
    default:
      break;
  }
}

// A one-line textbox receiving several lines becomes a <textarea>: an <input> would drop them.
function toTextarea(input) {
  const area = document.createElement("textarea");
  for (const { name, value } of input.attributes) {
    if (!["type", "value", "autocomplete"].includes(name)) area.setAttribute(name, value);
  }
  area.readOnly = input.readOnly;
  const focused = document.activeElement === input;
  input.replaceWith(area);
  if (focused) area.focus();
  return area;
}

function writeDropdown(el, select, value) {
  const wanted = new Set((Array.isArray(value) ? value : value == null ? [] : [value]).map(key));
  let found = false;
  for (const option of select.options) {
    option.selected = wanted.has(key(parse(option.dataset.bsValue)));
    found ||= option.selected;
  }
  select.querySelector("option[data-bs-custom]")?.remove();
  if (!select.multiple && value != null && !found) {
    // A custom value (allow_custom_value) is still shown.
    const option = new Option(String(value), String(value), true, true);
    option.dataset.bsValue = key(value);
    option.dataset.bsCustom = "";
    select.add(option);
  }
  if (!select.multiple && value == null) {
    let empty = select.querySelector('option[data-bs-value="null"]');
    if (!empty) {
      empty = new Option("", "");
      empty.dataset.bsValue = "null";
      select.prepend(empty);
    }
    empty.selected = true;
  }
}

function writeLabel(el, value) {
  setText(el.querySelector(".bs-label-top"), value?.label ?? "");
  const list = el.querySelector(".bs-confidences");
  list.replaceChildren();
  for (const item of value?.confidences ?? []) {
    const confidence = Number(item.confidence) || 0;
    const percent = `${Math.round(confidence * 100)}%`;
    const li = document.createElement("li");
    li.className = "bs-confidence";
    const name = document.createElement("span");
    name.className = "bs-confidence-name";
    name.textContent = item.label;
    const meter = document.createElement("meter");
    meter.min = 0;
    meter.max = 1;
    meter.value = confidence;
    meter.textContent = percent;
    const number = document.createElement("span");
    number.className = "bs-confidence-value";
    number.textContent = percent;
    li.append(name, " ", meter, " ", number);
    list.append(li);
  }
  list.hidden = list.children.length === 0;
}

const SPEAKERS = { user: "You", assistant: "Assistant", system: "System" };

function writeChat(el, messages) {
  const log = el.querySelector(".bs-messages");
  const list = log.querySelector(".bs-message-list");
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const items = (messages ?? []).map((message) => {
    const li = document.createElement("li");
    li.className = `bs-message bs-message-${message.role}`;
    li.dataset.bsMessage = JSON.stringify([message.role, message.content]);
    const who = document.createElement("span");
    who.className = "bs-sr-only";
    who.textContent = `${SPEAKERS[message.role] ?? message.role}:`;
    const body = document.createElement("div");
    body.className = "bs-prose";
    body.innerHTML = renderMarkdown(message.content);
    li.append(who, body);
    return li;
  });
  // Keep the messages already shown: the live region then announces only new ones.
  const current = [...list.children];
  let same = 0;
  while (same < current.length && same < items.length && current[same].dataset.bsMessage === items[same].dataset.bsMessage) same += 1;
  const kept = new Set(current.slice(0, same));
  for (const node of [...list.childNodes]) if (!kept.has(node)) node.remove();
  list.append(...items.slice(same));
  const placeholder = el.querySelector(".bs-placeholder");
  if (placeholder) placeholder.hidden = items.length > 0 || !placeholder.textContent;
  if (atBottom || same < items.length) log.scrollTop = log.scrollHeight;
}

function rebuildChoices(el, choices, value) {
  const type = el.dataset.bsType;
  const pairs = (choices ?? []).map((choice) => (Array.isArray(choice) ? choice : [String(choice), choice]));
  const inputId = `${el.id}-input`;
  if (type === "dropdown") {
    const select = control(el);
    const options = pairs.map(([label, choice]) => {
      const option = new Option(String(label), String(choice));
      option.dataset.bsValue = key(choice);
      return option;
    });
    select.replaceChildren(...options);
  } else {
    const editable = !el.classList.contains("bs-readonly");
    const boxes = pairs.map(([label, choice], index) => {
      const row = document.createElement("div");
      row.className = "bs-check";
      const input = document.createElement("input");
      input.type = type === "radio" ? "radio" : "checkbox";
      input.id = `${inputId}-${index}`;
      input.name = el.id;
      input.value = String(choice);
      input.dataset.bsValue = key(choice);
      input.disabled = !editable;
      const text = document.createElement("label");
      text.className = "bs-check-label";
      text.htmlFor = input.id;
      text.textContent = String(label);
      row.append(input, text);
      return row;
    });
    el.querySelector(".bs-choices").replaceChildren(...boxes);
  }
  writeValue(el, value);
}

// The element naming the component (label, legend or caption).
function labelElement(el) {
  return el.querySelector(`#${CSS.escape(el.id)}-label`);
}

function writeLabelText(el, label, showLabel) {
  const type = el.dataset.bsType;
  const node = labelElement(el);
  if (!node) return;
  const fallback = TYPE_NAMES[type] ?? type;
  const input = control(el);
  if (type === "checkbox") {
    node.textContent = label ?? fallback;
    return;
  }
  if (node.tagName === "LABEL" && input) {
    node.textContent = label ?? "";
    node.hidden = !label;
    if (label) input.removeAttribute("aria-label");
    else input.setAttribute("aria-label", input.getAttribute("placeholder") || fallback);
  } else {
    node.textContent = label ?? fallback;
    if (type === "markdown" || type === "html") node.hidden = !label || showLabel !== true;
  }
  if (node.hidden || type === "markdown" || type === "html") return;
  // Shown unless there is no label (the name is then only for screen readers) or the app hides it.
  if (showLabel !== undefined) node.dataset.bsShowLabel = String(showLabel !== false);
  node.classList.toggle("bs-sr-only", !label || node.dataset.bsShowLabel === "false");
}

function writeInfo(el, info) {
  const node = el.querySelector(".bs-info");
  if (!node) return;
  node.textContent = info ?? "";
  node.hidden = !info;
  const target = control(el) ?? el.querySelector("fieldset");
  if (!target) return;
  if (info) target.setAttribute("aria-describedby", node.id);
  else target.removeAttribute("aria-describedby");
}

// Let the visitor edit the component, or not (readonly text stays selectable).
export function setEditable(el, editable) {
  const type = el.dataset.bsType;
  el.classList.toggle("bs-readonly", !editable);
  if (type === "textbox" || type === "number") {
    control(el).readOnly = !editable;
  } else if (type === "slider" || type === "checkbox" || type === "dropdown") {
    control(el).disabled = !editable;
  } else if (type === "checkboxgroup" || type === "radio") {
    for (const box of choiceInputs(el)) box.disabled = !editable;
  }
}

// Apply a component's updated properties (everything but its value).
export function applyProps(el, props) {
  const type = el.dataset.bsType;
  const input = control(el);
  if ("visible" in props && type !== "timer") el.hidden = !props.visible;
  if ("label" in props || "show_label" in props) {
    const label = "label" in props ? props.label : labelElement(el)?.textContent || null;
    writeLabelText(el, label, props.show_label);
  }
  if ("info" in props) writeInfo(el, props.info);
  if ("placeholder" in props) {
    if (input && "placeholder" in input) {
      if (props.placeholder) input.placeholder = props.placeholder;
      else input.removeAttribute("placeholder");
    }
    const placeholder = el.querySelector(".bs-placeholder");
    if (placeholder) {
      placeholder.textContent = props.placeholder ?? "";
      placeholder.hidden = !props.placeholder || el.querySelectorAll(".bs-message").length > 0;
    }
  }
  if (type === "button" && input) {
    if ("interactive" in props) input.disabled = props.interactive === false;
    if ("variant" in props) {
      input.className = input.className.replace(/\bbs-variant-\S+/, `bs-variant-${props.variant}`);
    }
  }
  if (input && (type === "number" || type === "slider")) {
    for (const [prop, attr] of [["minimum", "min"], ["maximum", "max"], ["step", "step"]]) {
      if (!(prop in props)) continue;
      if (props[prop] == null) input.removeAttribute(attr);
      else input.setAttribute(attr, String(props[prop]));
    }
  }
  if (type === "textbox" && input) {
    if ("max_length" in props) {
      if (props.max_length == null) input.removeAttribute("maxlength");
      else input.maxLength = props.max_length;
    }
    if ("lines" in props && input.tagName === "TEXTAREA") input.rows = props.lines;
    if ("type" in props && input.tagName === "INPUT") input.type = props.type;
  }
  if (type === "dropdown" && "multiselect" in props && input) input.multiple = Boolean(props.multiselect);
  if (CHOICE_TYPES.has(type) && "choices" in props) {
    rebuildChoices(el, props.choices, "value" in props ? props.value : readValue(el));
  }
}
