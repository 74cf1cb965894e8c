// The Chatbot's REGISTRY entry (components.js lists the fields of an entry).
//
// Messages come from the server with their content's HTML rendered and sanitised there
// (`update.html`, by position); a message whose metadata has a `title` (a thought, a tool
// call) is a <details>, open while its status is not "done". The buttons under the
// messages exist only for the events the app listens to: like / dislike (`like`, data
// {index, value, liked}), retry and undo of the last turn (`retry` / `undo`, {index, value}
// of its user message), edit of a message (`edit`, {index, value, previous_value}) and clear
// (`clear`); the server reads each message's content from the session, by its index.
// Copy buttons (show_copy_button / buttons=["copy"]) need no server. Files in messages are
// shown as images, players or download links, from their signed URLs.

import { formatSize } from "./file-views.js";
import { t } from "./strings.js";

const ROLES = new Set(["user", "assistant", "system"]);
const speaker = (role) => (ROLES.has(role) ? t(`chat.${role}`) : role);
const messagesOf = new WeakMap();

// A content is text, or a list of parts ({type: "text", text} / {type: "file", file, alt_text}:
// files with their signed url). The key compares files by their stored path (chat_files.key_content).
const keyContent = (content) =>
  Array.isArray(content)
    ? content.map((p) => (p.type === "file" ? { type: "file", path: p.file?.path ?? p.path ?? null, alt_text: p.alt_text ?? null } : p))
    : content;
const keyOf = (message) => JSON.stringify([message.role, keyContent(message.content), message.metadata ?? {}]);
const textOf = (content) => (Array.isArray(content) ? content.filter((p) => p.type === "text").map((p) => p.text).join("") : (content ?? ""));

function fileKind(file) {
  const mime = file?.mime_type ?? "";
  if (mime.startsWith("image/") && mime !== "image/svg+xml") return "image";
  if (mime.startsWith("audio/")) return "audio";
  if (mime.startsWith("video/")) return "video";
  return "file";
}

// One file of a message: an image, a player, or a download link (as _message_parts.html).
function filePart(part) {
  const file = part.file ?? {};
  const url = file.url ?? (file.path ? "" : file.orig_name ?? "");
  const alt = part.alt_text || file.orig_name || "";
  const kind = fileKind(file);
  if (kind === "image") {
    const img = document.createElement("img");
    img.className = "bs-message-image";
    img.src = url;
    img.alt = alt;
    return [img];
  }
  if (kind === "audio" || kind === "video") {
    const player = document.createElement(kind);
    player.className = "bs-message-player";
    player.src = url;
    player.controls = true;
    player.preload = "metadata";
    player.setAttribute("aria-label", alt);
    return [player];
  }
  const link = document.createElement("a");
  link.className = "bs-message-file";
  link.href = url;
  link.download = file.orig_name ?? "";
  link.textContent = file.orig_name ?? t("file");
  const size = document.createElement("span");
  size.className = "bs-file-size";
  size.textContent = formatSize(file.size);
  return [link, " ", size];
}

function partsBody(content, html) {
  const body = document.createElement("div");
  body.className = "bs-message-parts";
  content.forEach((part, index) => {
    if (part.type === "file") {
      body.append(...filePart(part));
      return;
    }
    const prose = document.createElement("div");
    prose.className = "bs-prose";
    const text = Array.isArray(html) ? html[index] : null;
    if (typeof text === "string") prose.innerHTML = text;
    else prose.textContent = part.text ?? "";
    body.append(prose);
  });
  return body;
}
const log = (el) => el.querySelector(".bs-messages");

// A thumb drawn here (no emoji font needed): up, or turned over for down.
const THUMB = "M7 10 11 3c1.5 0 2.5 1 2 3l-1 4h7c1.5 0 2.5 1.5 2 3l-2 7c-.3 1-1 1-2 1H7Z M2 10h4v11H2Z";
const SVG = "http://www.w3.org/2000/svg";

function thumb(down) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "16");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", THUMB);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "1.8");
  path.setAttribute("stroke-linejoin", "round");
  if (down) path.setAttribute("transform", "rotate(180 12 12)");
  svg.append(path);
  return svg;
}

function button(content, className, onClick, label) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = `bs-chat-button ${className}`;
  if (typeof content === "string") node.textContent = content;
  else node.append(content);
  if (label) node.setAttribute("aria-label", label);
  node.addEventListener("click", onClick);
  return node;
}

function thought(message, body) {
  const { title, status, log: note, duration } = message.metadata;
  const details = document.createElement("details");
  details.className = "bs-thought";
  details.open = status !== "done";
  const summary = document.createElement("summary");
  const name = document.createElement("span");
  name.className = "bs-thought-title";
  name.textContent = title;
  summary.append(name);
  if (status === "pending") {
    const pending = document.createElement("span");
    pending.className = "bs-thought-pending";
    pending.setAttribute("role", "status");
    pending.textContent = ` ${t("chat.working")}`;
    summary.append(pending);
  }
  for (const text of [note, duration != null ? t("chat.duration", { seconds: duration }) : null]) {
    if (!text) continue;
    const span = document.createElement("span");
    span.className = "bs-thought-log";
    span.textContent = ` ${text}`;
    summary.append(span);
  }
  details.append(summary, body);
  return details;
}

function messageItem(el, message, html) {
  const li = document.createElement("li");
  li.className = `bs-message bs-message-${message.role}`;
  li.dataset.bsMessage = keyOf(message);
  const avatar = log(el).dataset[message.role === "user" ? "bsAvatarUser" : "bsAvatarAssistant"];
  if (avatar && message.role !== "system") {
    const img = document.createElement("img");
    img.className = "bs-avatar";
    img.src = avatar;
    img.alt = "";
    li.append(img);
  }
  const who = document.createElement("span");
  who.className = "bs-sr-only";
  who.textContent = `${speaker(message.role)}:`;
  let body;
  if (Array.isArray(message.content)) body = partsBody(message.content, html);
  else {
    body = document.createElement("div");
    body.className = "bs-prose";
    if (typeof html === "string") body.innerHTML = html;
    else body.textContent = message.content ?? "";
  }
  li.append(who, message.metadata?.title ? thought(message, body) : body);
  return li;
}

function writeChat(el, messages, update) {
  const box = log(el);
  const list = box.querySelector(".bs-message-list");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  messagesOf.set(el, messages ?? []);
  const html = update?.html ?? [];
  const items = (messages ?? []).map((message, index) => messageItem(el, message, html[index]));
  // Keep the messages already shown: the live region then announces only new ones, and a
  // thought the visitor opened or closed stays so.
  const current = [...list.querySelectorAll(":scope > .bs-message")];
  let same = 0;
  while (same < current.length && same < items.length && current[same].dataset.bsMessage === items[same].dataset.bsMessage) same += 1;
  const kept = new Set(current.slice(0, same));
  for (const node of [...list.childNodes]) if (!kept.has(node)) node.remove();
  list.append(...items.slice(same));
  const placeholder = el.querySelector(".bs-placeholder");
  if (placeholder) placeholder.hidden = items.length > 0 || !placeholder.textContent;
  if (atBottom || same < items.length) box.scrollTop = box.scrollHeight;
}

// The messages as the page was last given them (the template's, until the first update).
function currentMessages(el) {
  if (!messagesOf.has(el)) {
    const items = el.querySelectorAll(".bs-message-list > .bs-message");
    messagesOf.set(
      el,
      [...items].map((li) => {
        const [role, content, metadata] = JSON.parse(li.dataset.bsMessage);
        return { role, content, metadata };
      }),
    );
  }
  return messagesOf.get(el);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard (an insecure context): nothing to do but leave the text selectable.
  }
}

function startEdit(el, app, li, index, message) {
  if (li.querySelector(".bs-chat-edit")) return;
  const form = document.createElement("div");
  form.className = "bs-chat-edit";
  const area = document.createElement("textarea");
  area.className = "bs-input";
  area.value = textOf(message.content);
  area.setAttribute("aria-label", t("chat.edit_message"));
  const save = button(t("chat.save"), "bs-chat-save", () => {
    app.act(el.dataset.bsId, [["edit", { index, value: area.value }]]);
    form.remove();
  });
  const cancel = button(t("chat.cancel"), "bs-chat-cancel", () => form.remove());
  form.append(area, save, cancel);
  li.append(form);
  area.focus();
}

// The buttons of each message and of the last turn, for the events the app listens to.
function renderActions(el, app) {
  const id = el.dataset.bsId;
  const box = log(el);
  const listens = (name) => app.dispatcher.listens(id, name);
  const messages = currentMessages(el);
  const items = [...box.querySelectorAll(".bs-message-list > .bs-message")];
  for (const node of box.querySelectorAll(".bs-message-actions, .bs-turn-actions")) node.remove();
  let lastUser = -1;
  messages.forEach((message, index) => {
    if (message.role === "user") lastUser = index;
  });
  items.forEach((li, index) => {
    const message = messages[index];
    if (!message) return;
    const actions = document.createElement("div");
    actions.className = "bs-message-actions";
    if (box.dataset.bsCopy === "true") {
      actions.append(button(t("chat.copy"), "bs-chat-copy", () => copyText(textOf(message.content)), t("chat.copy_message")));
    }
    const likeable = message.role === "assistant" || (message.role === "user" && box.dataset.bsLikeUser === "true");
    if (likeable && listens("like")) {
      actions.append(
        button(thumb(false), "bs-chat-like", () => app.act(id, [["like", { index, value: message.content, liked: true }]]), t("chat.like")),
        button(thumb(true), "bs-chat-dislike", () => app.act(id, [["like", { index, value: message.content, liked: false }]]), t("chat.dislike")),
      );
    }
    const editable = box.dataset.bsEdit === "all" || (box.dataset.bsEdit === "user" && message.role === "user");
    if (editable && listens("edit")) {
      actions.append(button(t("chat.edit"), "bs-chat-editbutton", () => startEdit(el, app, li, index, message), t("chat.edit_message")));
    }
    if (actions.childElementCount) li.append(actions);
  });
  const turn = document.createElement("div");
  turn.className = "bs-turn-actions";
  if (lastUser >= 0 && messages.length > lastUser + 1) {
    const data = { index: lastUser, value: messages[lastUser].content };
    if (listens("retry")) turn.append(button(t("chat.retry"), "bs-chat-retry", () => app.act(id, [["retry", data]])));
    if (listens("undo")) turn.append(button(t("chat.undo"), "bs-chat-undo", () => app.act(id, [["undo", data]])));
  }
  if (messages.length && box.dataset.bsCopyAll === "true") {
    const all = messages.map((m) => `${speaker(m.role)}: ${textOf(m.content)}`).join("\n\n");
    turn.append(button(t("chat.copy_all"), "bs-chat-copy-all", () => copyText(all), t("chat.copy_conversation")));
  }
  if (messages.length && listens("clear")) {
    turn.append(button(t("chat.clear"), "bs-chat-clear", () => app.act(id, [["clear"]]), t("chat.clear_conversation")));
  }
  if (turn.childElementCount) box.append(turn);
}

export const CHATBOT = {
  write: writeChat,
  attach(el, app) {
    renderActions(el, app);
  },
};
