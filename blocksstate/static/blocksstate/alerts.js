// Toasts for gr.Error / gr.Warning / gr.Info and for connection notices.
// Errors and warnings are announced at once (role="alert"), information
// politely (role="status"). A toast stays while hovered or focused.

import { t } from "./strings.js";

const MAX_TOASTS = 5;
let region = null;

function container() {
  if (!region || !region.isConnected) {
    region = document.createElement("div");
    region.className = "bs-toasts";
    document.body.append(region);
  }
  return region;
}

// Show a toast; `duration` is in seconds, null keeps it until dismissed.
export function showToast({ level = "info", title = null, message = "", duration } = {}) {
  const toast = document.createElement("div");
  toast.className = `bs-toast bs-toast-${level}`;
  toast.setAttribute("role", level === "info" ? "status" : "alert");

  const text = document.createElement("div");
  text.className = "bs-toast-text";
  if (title) {
    const heading = document.createElement("strong");
    heading.className = "bs-toast-title";
    heading.textContent = title;
    text.append(heading);
  }
  const body = document.createElement("p");
  body.className = "bs-toast-message";
  body.textContent = message ?? "";
  text.append(body);

  const close = document.createElement("button");
  close.type = "button";
  close.className = "bs-toast-close";
  close.setAttribute("aria-label", t("dismiss"));
  close.textContent = "\u00d7";
  toast.append(text, close);

  let timer = null;
  const seconds = duration === undefined ? 10 : duration;
  const dismiss = () => {
    clearTimeout(timer);
    toast.remove();
  };
  const arm = () => {
    clearTimeout(timer);
    if (typeof seconds === "number" && seconds > 0) timer = setTimeout(dismiss, seconds * 1000);
  };
  close.addEventListener("click", dismiss);
  toast.addEventListener("mouseenter", () => clearTimeout(timer));
  toast.addEventListener("mouseleave", arm);
  toast.addEventListener("focusin", () => clearTimeout(timer));
  toast.addEventListener("focusout", arm);

  const parent = container();
  parent.append(toast);
  while (parent.children.length > MAX_TOASTS) parent.firstElementChild.remove();
  arm();
  return { element: toast, dismiss };
}
