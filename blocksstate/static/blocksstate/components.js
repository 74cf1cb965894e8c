// What the page knows of each component type: one REGISTRY entry per type (the
// data-bs-type of its wrapper, the name of its template in
// blocksstate/templates/blocksstate/components/). A new component is one Python
// class, one template and one entry here (see docs/components-internals.md).
//
// An entry may have:
//   control(el)               the element holding its value, if one does
//   read(el)                  its value, as the server validates it; only types a
//                             visitor can edit have one
//   write(el, value, update)  show a value from the server; `update` is the whole
//                             entry of the update frame (Markdown's `html` is in it)
//   setEditable(el, editable) let the visitor edit it, or not
//   listen                    {DOM event type: the component events it is, or a
//                             function (domEvent, el) returning them}; focus and blur
//                             are every component's (events.js)
//   edited(el)                follow a visitor's edit at once (a slider's number)
//   applyProps(el, props)     apply its own properties (the common ones are done here)
//   caption(el, label, showLabel)  write its label, where the common way does not fit
//   attach(el, app, update)   called when the page starts (update null) and after each
//                             update of the component, for what runs in the page (a timer)
//   keepsVisibility           true when `visible` does not hide it (a timer has no markup)
//   refused(el, message)      the server refused the value the page sent (and wrote its
//                             own back): say why in the component (else a toast does)
//
// Writing a value never dispatches input or change events: the server has already
// run the listeners of changes it made itself. The page never turns a value's text
// into markup: HTML comes from the server (sanitised, for Markdown and Chatbot) or
// is the app developer's own (gr.HTML).

import { CHATBOT } from "./chat.js";
import { DATAFRAME } from "./dataframe.js";
import { DATASET } from "./dataset.js";
import { DISPLAY_COMPONENTS } from "./display-components.js";
import { FILE_COMPONENTS } from "./file-components.js";
import { LAYOUTS } from "./layouts.js";
import { MULTIMODAL } from "./multimodal.js";
import { NATIVE_PLOT, PLOT } from "./plots.js";

// A value's identity for comparing choices (1 and 1.0 are the same choice).
const key = (value) => JSON.stringify(value ?? null);
const parse = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const asList = (value) => (Array.isArray(value) ? value : value == null ? [] : [value]);

function setText(node, text) {
  if (node) node.textContent = text ?? "";
}

// Insert the server's HTML; without it (a value stored before it was sent), show the text as text.
function setHtml(node, html, text) {
  if (!node) return;
  if (typeof html === "string") node.innerHTML = html;
  else node.textContent = text ?? "";
}

function choiceInputs(el) {
  return [...el.querySelectorAll(".bs-choices input")];
}

function setAttribute(node, name, value) {
  if (value == null) node.removeAttribute(name);
  else node.setAttribute(name, String(value));
}

// -- shared by several types ---------------------------------------------------------------

// Enter in a one-line box, or Enter without Shift in a multi-line one, submits.
function submitKey(event) {
  if (event.key !== "Enter" || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return [];
  return event.target.tagName === "INPUT" || !event.shiftKey ? ["submit"] : [];
}

const TEXT_EVENTS = ["input", "change"];
const CHOICE_EVENTS = ["change", "input"];

// -- event data (the server checks it against the component: app/event_data.py) ------------

// A length in characters (code points, as Python counts them), not UTF-16 units.
const chars = (text) => [...text].length;

// Selecting text in a textbox: `select` with its range, [start, end], and the text.
function textSelect(event, el) {
  const field = event.target;
  if (field.selectionStart == null || field.selectionStart === field.selectionEnd) return [];
  const before = field.value.slice(0, field.selectionStart);
  const text = field.value.slice(field.selectionStart, field.selectionEnd);
  return [[el.dataset.bsId, "select", { index: [chars(before), chars(before) + chars(text)], value: text }]];
}

// Copying from a component (Ctrl+C, the context menu): `copy` with the text copied.
function copied(event, el) {
  const field = event.target;
  const inField = field.selectionStart != null && "value" in field;
  const text = inField ? field.value.slice(field.selectionStart, field.selectionEnd) : String(document.getSelection() ?? "");
  return text ? [[el.dataset.bsId, "copy", { value: text }]] : [];
}

// Ticking a box or choosing a radio button: change, input, and `select` of that choice.
function choiceChanged(event, el) {
  const box = event.target;
  const index = choiceInputs(el).indexOf(box);
  if (index < 0) return [];
  const data = { index, value: parse(box.dataset.bsValue), selected: box.checked };
  return [...CHOICE_EVENTS, [el.dataset.bsId, "select", data]];
}

// A dropdown's options that are its choices (not the empty one, nor a custom value).
const dropdownChoices = (select) => [...select.options].filter((o) => o.dataset.bsCustom === undefined && o.dataset.bsValue !== "null");

// Choosing in a dropdown: change, input, and `select` of the option chosen (or, in a
// multiple one, of the option added or removed: the last selection is kept as defaultSelected).
function dropdownChanged(event, el) {
  const select = event.target;
  const options = dropdownChoices(select);
  let index = -1;
  if (select.multiple) {
    index = options.findIndex((o) => o.selected !== o.defaultSelected);
    for (const option of select.options) option.defaultSelected = option.selected;
  } else {
    index = options.indexOf(select.selectedOptions[0]);
  }
  if (index < 0) return CHOICE_EVENTS;
  const option = options[index];
  const data = { index, value: parse(option.dataset.bsValue), selected: option.selected };
  return [...CHOICE_EVENTS, [el.dataset.bsId, "select", data]];
}

// A key released in a dropdown: `key_up` with the key and the text the dropdown shows.
function dropdownKeyUp(event, el) {
  const shown = [...event.target.selectedOptions].map((o) => o.textContent).join(", ");
  return event.key ? [[el.dataset.bsId, "key_up", { key: event.key, input_value: shown }]] : [];
}

function numberBounds(el, props) {
  const input = REGISTRY[el.dataset.bsType].control(el);
  for (const [prop, attr] of [["minimum", "min"], ["maximum", "max"], ["step", "step"]]) {
    if (prop in props) setAttribute(input, attr, props[prop]);
  }
}

function writeChoices(el, value) {
  const wanted = new Set(asList(value).map(key));
  for (const box of choiceInputs(el)) box.checked = wanted.has(key(parse(box.dataset.bsValue)));
}

function choicePairs(choices) {
  return (choices ?? []).map((choice) => (Array.isArray(choice) ? choice : [String(choice), choice]));
}

// Checkboxes or radio buttons for new choices, keeping the value shown when it is still one.
function rebuildBoxes(el, props, inputType) {
  const value = "value" in props ? props.value : REGISTRY[el.dataset.bsType].read(el);
  const editable = !el.classList.contains("bs-readonly");
  const boxes = choicePairs(props.choices).map(([label, choice], index) => {
    const row = document.createElement("div");
    row.className = "bs-check";
    const input = document.createElement("input");
    input.type = inputType;
    input.id = `${el.id}-input-${index}`;
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
  writeChoices(el, value);
}

function choiceGroup(inputType, read) {
  return {
    read,
    write: writeChoices,
    setEditable(el, editable) {
      for (const box of choiceInputs(el)) box.disabled = !editable;
    },
    listen: { change: choiceChanged },
    applyProps(el, props) {
      if ("choices" in props) rebuildBoxes(el, props, inputType);
    },
  };
}

// The caption of Markdown and HTML is shown only when the app asks for it.
function proseCaption(el, label, showLabel) {
  const node = captionElement(el);
  if (!node) return;
  node.textContent = label ?? "";
  node.hidden = !label || showLabel !== true;
}

// -- one entry per type ----------------------------------------------------------------------

export const REGISTRY = {
  textbox: {
    control: (el) => el.querySelector("input, textarea"),
    read: (el) => REGISTRY.textbox.control(el).value,
    write(el, value) {
      const input = REGISTRY.textbox.control(el);
      const text = value == null ? "" : String(value);
      const grows = input.type === "text" && input.dataset.bsGrow !== undefined;
      const field = grows && text.includes("\n") ? toTextarea(input) : input;
      // Leave the field alone when nothing changed, so the caret does not jump.
      if (field.value !== text) field.value = text;
      if (field.dataset.bsGrow !== undefined) {
        field.rows = Math.min(text.split("\n").length, Number(field.dataset.bsGrow) || 20);
      }
    },
    setEditable(el, editable) {
      REGISTRY.textbox.control(el).readOnly = !editable;
    },
    listen: { input: TEXT_EVENTS, select: textSelect, copy: copied, keydown: submitKey },
    applyProps(el, props) {
      const input = REGISTRY.textbox.control(el);
      if ("max_length" in props) {
        if (props.max_length == null) input.removeAttribute("maxlength");
        else input.maxLength = props.max_length;
      }
      if ("lines" in props && input.tagName === "TEXTAREA") input.rows = props.lines;
      if ("type" in props && input.tagName === "INPUT") input.type = props.type;
    },
  },

  number: {
    control: (el) => el.querySelector("input"),
    read(el) {
      const input = REGISTRY.number.control(el);
      if (input.value.trim() === "") return null;
      const number = Number(input.value);
      return Number.isFinite(number) ? number : null;
    },
    write(el, value) {
      if (REGISTRY.number.read(el) !== value) REGISTRY.number.control(el).value = value == null ? "" : String(value);
    },
    setEditable(el, editable) {
      REGISTRY.number.control(el).readOnly = !editable;
    },
    listen: { input: TEXT_EVENTS, keydown: submitKey },
    applyProps: numberBounds,
  },

  slider: {
    control: (el) => el.querySelector("input"),
    read: (el) => Number(REGISTRY.slider.control(el).value),
    write(el, value) {
      const input = REGISTRY.slider.control(el);
      if (value != null) input.value = String(value);
      showSliderValue(el);
    },
    setEditable(el, editable) {
      REGISTRY.slider.control(el).disabled = !editable;
    },
    listen: { input: TEXT_EVENTS, change: ["release"] },
    edited: (el) => showSliderValue(el),
    applyProps: numberBounds,
  },

  checkbox: {
    control: (el) => el.querySelector("input"),
    read: (el) => REGISTRY.checkbox.control(el).checked,
    write(el, value) {
      REGISTRY.checkbox.control(el).checked = Boolean(value);
    },
    setEditable(el, editable) {
      REGISTRY.checkbox.control(el).disabled = !editable;
    },
    // Its `select` says whether it was ticked; the server adds its label as the value.
    listen: { change: (event, el) => [...CHOICE_EVENTS, [el.dataset.bsId, "select", { selected: event.target.checked }]] },
    // Its label is the text beside the box, always shown.
    caption(el, label) {
      setText(captionElement(el), label ?? el.dataset.bsName);
    },
  },

  checkboxgroup: choiceGroup("checkbox", (el) =>
    choiceInputs(el)
      .filter((box) => box.checked)
      .map((box) => parse(box.dataset.bsValue)),
  ),

  radio: choiceGroup("radio", (el) => {
    const checked = choiceInputs(el).find((box) => box.checked);
    return checked ? parse(checked.dataset.bsValue) : null;
  }),

  dropdown: {
    control: (el) => el.querySelector("select"),
    read(el) {
      const select = REGISTRY.dropdown.control(el);
      const chosen = [...select.selectedOptions].map((option) => parse(option.dataset.bsValue));
      return select.multiple ? chosen : (chosen[0] ?? null);
    },
    write: (el, value) => writeDropdown(REGISTRY.dropdown.control(el), value),
    setEditable(el, editable) {
      REGISTRY.dropdown.control(el).disabled = !editable;
    },
    listen: { change: dropdownChanged, keyup: dropdownKeyUp },
    applyProps(el, props) {
      const select = REGISTRY.dropdown.control(el);
      if ("multiselect" in props) select.multiple = Boolean(props.multiselect);
      if (!("choices" in props)) return;
      const value = "value" in props ? props.value : REGISTRY.dropdown.read(el);
      const options = choicePairs(props.choices).map(([label, choice]) => {
        const option = new Option(String(label), String(choice));
        option.dataset.bsValue = key(choice);
        return option;
      });
      select.replaceChildren(...options);
      writeDropdown(select, value);
    },
  },

  button: {
    control: (el) => el.querySelector("button, a"),
    write: (el, value) => setText(REGISTRY.button.control(el), value),
    listen: { click: (event) => (event.target.closest("button:not([disabled]), a") ? ["click"] : []) },
    applyProps(el, props) {
      const button = REGISTRY.button.control(el);
      if (!button) return;
      if ("interactive" in props) button.disabled = props.interactive === false;
      if ("variant" in props) {
        button.className = button.className.replace(/\bbs-variant-\S+/, `bs-variant-${props.variant}`);
      }
    },
  },

  markdown: {
    write: (el, value, update) => setHtml(el.querySelector(".bs-prose"), update?.html, value),
    listen: { copy: copied },
    caption: proseCaption,
  },

  html: {
    // gr.HTML holds the app developer's own markup (as in Gradio), never a visitor's text.
    write(el, value) {
      el.querySelector(".bs-html-body").innerHTML = value ?? "";
    },
    listen: { click: ["click"] },
    caption: proseCaption,
  },

  json: {
    write: (el, value) => setText(el.querySelector(".bs-json-body code"), value == null ? "" : JSON.stringify(value, null, 2)),
  },

  // Code, pickers, HighlightedText and Label: display-components.js.
  code: DISPLAY_COMPONENTS.code,
  colorpicker: DISPLAY_COMPONENTS.colorpicker,
  datetime: DISPLAY_COMPONENTS.datetime,
  highlightedtext: DISPLAY_COMPONENTS.highlightedtext,
  label: DISPLAY_COMPONENTS.label,

  // Figures drawn on the server, Plotly's in the page, and the native plots' SVG: plots.js.
  plot: PLOT,
  nativeplot: NATIVE_PLOT,

  // Messages, thoughts and their buttons: chat.js.
  chatbot: CHATBOT,

  multimodaltextbox: MULTIMODAL,

  timer: {
    keepsVisibility: true,
    write(el, value) {
      el.dataset.bsInterval = String(value);
    },
    applyProps(el, props) {
      if ("active" in props) el.dataset.bsActive = String(Boolean(props.active));
    },
    attach(el, app, update) {
      if (update && !("value" in update) && !("active" in update)) return;
      app.tickEvery(el.dataset.bsId, Number(el.dataset.bsInterval), el.dataset.bsActive !== "false");
    },
  },

  // The file and media components: file-components.js (uploads.js sends their files).
  file: FILE_COMPONENTS.file,
  uploadbutton: FILE_COMPONENTS.uploadbutton,
  downloadbutton: FILE_COMPONENTS.downloadbutton,
  image: FILE_COMPONENTS.image,
  audio: FILE_COMPONENTS.audio,
  video: FILE_COMPONENTS.video,
  gallery: FILE_COMPONENTS.gallery,
  dataset: DATASET,
  dataframe: DATAFRAME,

  // The layouts: layouts.js (Row, Column, Group, Tabs, Tab, Accordion, Sidebar).
  row: LAYOUTS.row,
  column: LAYOUTS.column,
  group: LAYOUTS.group,
  tabs: LAYOUTS.tabs,
  tab: LAYOUTS.tab,
  accordion: LAYOUTS.accordion,
  sidebar: LAYOUTS.sidebar,
};

// The entry of a component's wrapper element (an empty one for a type the page does not know).
export function entryOf(el) {
  return REGISTRY[el.dataset.bsType] ?? {};
}

// -- what several entries or the common properties use -----------------------------------------

// Show a slider's number next to it (after a drag, or a value from the server).
function showSliderValue(el) {
  setText(el.querySelector(".bs-slider-value"), REGISTRY.slider.control(el).value);
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

function writeDropdown(select, value) {
  const wanted = new Set(asList(value).map(key));
  let found = false;
  for (const option of select.options) {
    option.selected = wanted.has(key(parse(option.dataset.bsValue)));
    // A multiple dropdown's last selection, to tell which option a change added or removed.
    if (select.multiple) option.defaultSelected = option.selected;
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

// -- the properties every component has -----------------------------------------------------------

// The element naming the component (label, legend or caption).
function captionElement(el) {
  return el.querySelector(`#${CSS.escape(el.id)}-label`);
}

function writeCaption(el, label, showLabel) {
  const entry = entryOf(el);
  if (entry.caption) {
    entry.caption(el, label, showLabel);
    return;
  }
  const node = captionElement(el);
  if (!node) return;
  const input = entry.control?.(el);
  if (node.tagName === "LABEL" && input) {
    node.textContent = label ?? "";
    node.hidden = !label;
    if (label) input.removeAttribute("aria-label");
    else input.setAttribute("aria-label", input.getAttribute("placeholder") || el.dataset.bsName);
  } else {
    node.textContent = label ?? el.dataset.bsName;
  }
  if (node.hidden) return;
  // Shown unless there is no label (the name is then only for screen readers) or the app hides it.
  if (showLabel !== undefined) node.dataset.bsShowLabel = String(showLabel !== false);
  node.classList.toggle("bs-sr-only", !label || node.dataset.bsShowLabel === "false");
}

function writeInfo(el, info) {
  const node = el.querySelector(".bs-info");
  if (!node) return;
  node.textContent = info ?? "";
  node.hidden = !info;
  const target = entryOf(el).control?.(el) ?? el.querySelector("fieldset");
  if (!target) return;
  if (info) target.setAttribute("aria-describedby", node.id);
  else target.removeAttribute("aria-describedby");
}

function writePlaceholder(el, placeholder) {
  const input = entryOf(el).control?.(el);
  if (input && "placeholder" in input) {
    if (placeholder) input.placeholder = placeholder;
    else input.removeAttribute("placeholder");
  }
  const node = el.querySelector(".bs-placeholder");
  if (node) {
    node.textContent = placeholder ?? "";
    node.hidden = !placeholder || el.querySelectorAll(".bs-message").length > 0;
  }
}

// Let the visitor edit the component, or not (readonly text stays selectable).
export function setEditable(el, editable) {
  el.classList.toggle("bs-readonly", !editable);
  entryOf(el).setEditable?.(el, editable);
}

// Apply a component's updated properties (everything but its value).
export function applyProps(el, props) {
  const entry = entryOf(el);
  // Gradio's visible="hidden" keeps the block on the page, hidden, as False does here.
  if ("visible" in props && !entry.keepsVisibility) el.hidden = !props.visible || props.visible === "hidden";
  if ("label" in props || "show_label" in props) {
    const label = "label" in props ? props.label : captionElement(el)?.textContent || null;
    writeCaption(el, label, props.show_label);
  }
  if ("info" in props) writeInfo(el, props.info);
  if ("placeholder" in props) writePlaceholder(el, props.placeholder);
  entry.applyProps?.(el, props);
}
