// The Chatbot's REGISTRY entry (components.js lists the fields of an entry).
//
// Messages come from the server with their content's HTML rendered and sanitised there
// (`update.html`, by position); a message whose metadata has a `title` (a thought, a tool
// call) is a <details>, open while its status is not "done". The buttons under the
// messages exist only for the events the app listens to: like / dislike (`like`, data
// {index, value, liked}), retry and undo of the last turn (`retry` / `undo`, {index, value}
// of its user message), edit of a message (`edit`, {index, value, previous_value}) and clear
// (`clear`); the server reads each message's content from the session, by its index.
// Copy buttons (show_copy_button / buttons=["copy"]) need no server.

const SPEAKERS = { user: "You", assistant: "Assistant", system: "System" };
const messagesOf = new WeakMap();

const keyOf = (message) => JSON.stringify([message.role, message.content, message.metadata ?? {}]);
const log = (el) => el.querySelector(".bs-messages");

function button(text, className, onClick, label) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = `bs-chat-button ${className}`;
  node.textContent = text;
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
    pending.textContent = " (working\u2026)";
    summary.append(pending);
  }
  for (const text of [note, duration != null ? `(${duration}s)` : null]) {
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
  who.textContent = `${SPEAKERS[message.role] ?? message.role}:`;
  const body = document.createElement("div");
  body.className = "bs-prose";
  if (typeof html === "string") body.innerHTML = html;
  else body.textContent = message.content ?? "";
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
  area.value = message.content;
  area.setAttribute("aria-label", "Edit message");
  const save = button("Save", "bs-chat-save", () => {
    app.act(el.dataset.bsId, [["edit", { index, value: area.value }]]);
    form.remove();
  });
  const cancel = button("Cancel", "bs-chat-cancel", () => form.remove());
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
      actions.append(button("Copy", "bs-chat-copy", () => copyText(message.content), "Copy message"));
    }
    const likeable = message.role === "assistant" || (message.role === "user" && box.dataset.bsLikeUser === "true");
    if (likeable && listens("like")) {
      actions.append(
        button("\u{1F44D}", "bs-chat-like", () => app.act(id, [["like", { index, value: message.content, liked: true }]]), "Like"),
        button("\u{1F44E}", "bs-chat-dislike", () => app.act(id, [["like", { index, value: message.content, liked: false }]]), "Dislike"),
      );
    }
    const editable = box.dataset.bsEdit === "all" || (box.dataset.bsEdit === "user" && message.role === "user");
    if (editable && listens("edit")) {
      actions.append(button("Edit", "bs-chat-editbutton", () => startEdit(el, app, li, index, message), "Edit message"));
    }
    if (actions.childElementCount) li.append(actions);
  });
  const turn = document.createElement("div");
  turn.className = "bs-turn-actions";
  if (lastUser >= 0 && messages.length > lastUser + 1) {
    const data = { index: lastUser, value: messages[lastUser].content };
    if (listens("retry")) turn.append(button("Retry", "bs-chat-retry", () => app.act(id, [["retry", data]])));
    if (listens("undo")) turn.append(button("Undo", "bs-chat-undo", () => app.act(id, [["undo", data]])));
  }
  if (messages.length && box.dataset.bsCopyAll === "true") {
    const all = messages.map((m) => `${SPEAKERS[m.role] ?? m.role}: ${m.content}`).join("\n\n");
    turn.append(button("Copy all", "bs-chat-copy-all", () => copyText(all), "Copy conversation"));
  }
  if (messages.length && listens("clear")) {
    turn.append(button("Clear", "bs-chat-clear", () => app.act(id, [["clear"]]), "Clear conversation"));
  }
  if (turn.childElementCount) box.append(turn);
}

export const CHATBOT = {
  write: writeChat,
  attach(el, app) {
    renderActions(el, app);
  },
};
