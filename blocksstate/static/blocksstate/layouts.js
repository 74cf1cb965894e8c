// The page side of the layouts (Row, Column, Group, Tabs, Tab, Accordion, Sidebar): their
// REGISTRY entries (components.js lists the fields of an entry). A layout has no value; a
// handler changes its properties (visible, open, selected, label, interactive...), which
// come here through applyProps. Changes made by the server fire no event on the page: the
// server runs the listeners of what it changed itself (a Tabs' change).

import { t } from "./strings.js";

// Classes the app gave the block (elem_classes), replaced by an update of them.
function writeElemClasses(el, classes) {
  const before = el.dataset.bsElemClasses ?? [...el.classList].filter((name) => !name.startsWith("bs-")).join(" ");
  for (const name of before.split(" ").filter(Boolean)) el.classList.remove(name);
  const after = (classes ?? []).filter(Boolean);
  el.classList.add(...after);
  el.dataset.bsElemClasses = after.join(" ");
}

// What every layout may be given besides `visible` (done for every entry in components.js).
function applyLayoutProps(el, props) {
  if ("elem_classes" in props) writeElemClasses(el, props.elem_classes);
  if ("variant" in props) {
    for (const name of [...el.classList]) if (name.startsWith("bs-layout-")) el.classList.remove(name);
    if (props.variant !== "default") el.classList.add(`bs-layout-${props.variant}`);
  }
  if ("equal_height" in props) el.classList.toggle("bs-equal-height", Boolean(props.equal_height));
  if ("scale" in props) {
    if (props.scale == null) el.style.removeProperty("--bs-scale");
    else el.style.setProperty("--bs-scale", String(props.scale));
  }
  if ("min_width" in props) el.style.setProperty("--bs-min-width", `${props.min_width}px`);
}

const layout = { applyProps: applyLayoutProps };

// -- tabs ---------------------------------------------------------------------------------------

const tabButtons = (tabsEl) => [...tabsEl.querySelectorAll(':scope > .bs-tablist > [role="tab"]')];

// Show `tab`'s panel and no other; the page's own doing, so no event.
function showTab(tab) {
  for (const other of tabButtons(tab.closest(".bs-tabs"))) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    const panel = document.getElementById(other.getAttribute("aria-controls"));
    if (panel) panel.hidden = !selected || other.hidden;
  }
}

// A visitor selects a tab: return the events that are: [tab id, "select"], then the Tabs'.
function selectTab(tab) {
  if (tab.getAttribute("aria-selected") === "true") return [];
  showTab(tab);
  // Gradio's SelectData of a tab: its position among the tabs, and its label.
  const tabsEl = tab.closest(".bs-tabs");
  const tabs = [...tabsEl.querySelectorAll(':scope > .bs-tablist > [role="tab"]')];
  const data = { index: tabs.indexOf(tab), value: tab.textContent };
  return [[tab.dataset.bsTab, "select", data], [tabsEl.dataset.bsId, "select", data], "change"];
}

// Arrow keys, Home and End move between the tabs of a tab list, selecting as they go.
function moveBetweenTabs(event) {
  const tab = event.target.closest('[role="tab"]');
  if (!tab) return [];
  const tabs = [...tab.parentElement.querySelectorAll('[role="tab"]:not([hidden]):not([disabled])')];
  const index = tabs.indexOf(tab);
  const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
  if (!(event.key in moves)) return [];
  event.preventDefault();
  const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
  next.focus();
  return selectTab(next);
}

// The button of a Tab's panel.
const buttonOf = (panel) => document.getElementById(panel.getAttribute("aria-labelledby"));

// A hidden selected tab gives its place to the first tab still shown.
function showFirstVisible(tabsEl) {
  const buttons = tabButtons(tabsEl);
  const current = buttons.find((b) => b.getAttribute("aria-selected") === "true");
  if (current && !current.hidden) return;
  const next = buttons.find((b) => !b.hidden);
  if (next) showTab(next);
}

const tabs = {
  // A tab button selects its panel; the events are the Tab's `select`, then the Tabs' own.
  listen: {
    click(event) {
      const tab = event.target.closest('[role="tab"]');
      return tab && !tab.disabled ? selectTab(tab) : [];
    },
    keydown: moveBetweenTabs,
  },
  applyProps(el, props) {
    applyLayoutProps(el, props);
    // `selected_index` is the server's reading of Gradio's `selected` (a tab id or an index).
    const tab = tabButtons(el)[props.selected_index ?? -1];
    if (tab) showTab(tab);
  },
};

const tab = {
  // Its button shows whether the tab is there; its panel, whether it is also selected.
  keepsVisibility: true,
  caption(el, label) {
    const button = buttonOf(el);
    if (button) button.textContent = label ?? t("tab");
  },
  applyProps(el, props) {
    applyLayoutProps(el, props);
    const button = buttonOf(el);
    if (!button) return;
    if ("interactive" in props) button.disabled = props.interactive === false;
    if ("visible" in props) {
      button.hidden = props.visible === false || props.visible === "hidden";
      el.hidden = button.hidden || button.getAttribute("aria-selected") !== "true";
      showFirstVisible(el.closest(".bs-tabs"));
    }
  },
};

// -- accordion and sidebar ----------------------------------------------------------------------

// A <details> opened or closed by the server fires `toggle` later: that one is not the visitor's.
function setOpen(el, open) {
  if (el.open === open) return;
  el.dataset.bsQuietToggle = String(open);
  el.open = open;
}

const accordion = {
  listen: {
    toggle(event, el) {
      if (event.target !== el) return [];
      if (el.dataset.bsQuietToggle === String(el.open)) {
        delete el.dataset.bsQuietToggle;
        return [];
      }
      delete el.dataset.bsQuietToggle;
      return [el.open ? "expand" : "collapse"];
    },
  },
  caption(el, label) {
    const summary = el.querySelector(":scope > summary");
    if (summary) summary.textContent = label ?? "";
  },
  applyProps(el, props) {
    applyLayoutProps(el, props);
    if ("open" in props) setOpen(el, Boolean(props.open));
  },
};

const sidebarToggle = (el) => el.querySelector(":scope > .bs-sidebar-toggle");

function setSidebarOpen(el, open) {
  sidebarToggle(el).setAttribute("aria-expanded", String(open));
  el.querySelector(":scope > .bs-sidebar-body").hidden = !open;
}

const sidebar = {
  listen: {
    click(event, el) {
      const toggle = sidebarToggle(el);
      if (!toggle || !toggle.contains(event.target)) return [];
      const open = toggle.getAttribute("aria-expanded") !== "true";
      setSidebarOpen(el, open);
      return [open ? "expand" : "collapse"];
    },
  },
  caption(el, label) {
    const name = label ?? t("sidebar");
    el.setAttribute("aria-label", name);
    sidebarToggle(el).textContent = name;
  },
  applyProps(el, props) {
    applyLayoutProps(el, props);
    if ("open" in props) setSidebarOpen(el, Boolean(props.open));
    if ("width" in props) el.style.setProperty("--bs-sidebar-width", props.width);
    if ("position" in props) {
      el.classList.toggle("bs-sidebar-left", props.position !== "right");
      el.classList.toggle("bs-sidebar-right", props.position === "right");
    }
  },
  attach(el, app, update) {
    if (!update) el.style.setProperty("--bs-sidebar-width", el.dataset.bsWidth);
  },
};

export const LAYOUTS = { row: layout, column: layout, group: layout, tabs, tab, accordion, sidebar };
