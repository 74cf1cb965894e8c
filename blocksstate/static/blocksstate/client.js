// blocksstate's page client: takes over every app rendered by {% blocks %}.
//
// Each app root (.bs-app) names its page config (a JSON script, see
// docs/protocol.md). The client opens the app's socket, sends the visitor's
// actions as events with the values edited since the last frame, and applies
// what the server sends back. Debug hook for tests and the console:
// window.blocksstate.apps[name] = {state, sessionId, dropConnection()}.

import { showToast } from "./alerts.js";
import { BrowserStorage } from "./browser-storage.js";
import { applyProps, entryOf, setEditable } from "./components.js";
import { Socket } from "./socket.js";
import { callClientFunction, clientFunction } from "./client-functions.js";
import { componentEvents, Dispatcher } from "./events.js";
import { ensurePassCookie } from "./pass-cookie.js";
import { ProgressView } from "./progress.js";
import { setStrings, t } from "./strings.js";

// Listened to in the capture phase, so media events (which do not bubble) come here too.
const DOM_EVENTS = ["click", "input", "change", "select", "keydown", "keyup", "copy", "focusin", "focusout", "toggle", "play", "pause", "ended"];
// What the visitor reads when the server closes the connection for good (close codes 44xx):
// the `refused.<code>` string, or the general one. A 4401 comes after a `closed` frame that
// says why in the server's words; its string is in case it did not.
const refusalText = (code) => {
  const text = t(`refused.${code}`);
  return text === `refused.${code}` ? t("refused", { code }) : text;
};

function socketUrl(path) {
  const url = new URL(path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}

class App {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.key = root.dataset.bsKey || config.app;
    this.status = root.querySelector(":scope > .bs-status");
    this.elements = new Map();
    this.editable = new Map();
    for (const el of root.querySelectorAll("[data-bs-id]")) {
      if (el.closest(".bs-app") !== root) continue;
      const id = el.dataset.bsId;
      this.elements.set(id, el);
      const info = config.components[id];
      this.editable.set(id, Boolean(info?.editable));
    }
    this.dirty = new Set();
    // The component ids each @gr.render region shows, by its container's id.
    this.regionIds = new Map();
    this.seq = 0;
    // Every event until the server answers it, by seq: {seq, dep, values, data} (values once
    // sent, so that a re-sent event is the same event). Re-sent after a resume; the server
    // runs each seq once per session.
    this.outbox = new Map();
    // What the visitor sees of the events running: their time, queue, progress bar.
    this.progress = new ProgressView(this);
    this.timers = new Map();
    this.closed = false;
    // The session's upload token (its `session` frame): in memory only, like the resume token.
    this.uploadToken = null;
    this.dispatcher = new Dispatcher(config.dependencies, {
      send: (dep, data, trigger) => this.sendEvent(dep, data, trigger),
      started: (dependency, seq) => {
        this.progress.started(dependency, seq);
        // `every=` on a listener: its timer ticks from the first time it fires.
        if (dependency.starts_timer != null) this.startTimer(String(dependency.starts_timer));
      },
      finished: (dependency, seq) => {
        this.outbox.delete(seq);
        this.showStatus();
        this.progress.finished(dependency, seq);
        if (dependency.scroll_to_output && dependency.outputs.length) {
          this.elements.get(String(dependency.outputs[0]))?.scrollIntoView({ block: "nearest" });
        }
      },
    });
    this.browserStorage = new BrowserStorage(config.browser_state ?? []);
    this.connection = new Socket(socketUrl(config.ws), {
      values: () => this.helloValues(),
      browser: () => this.browserStorage.tokens(),
      language: config.language,
      frame: (frame) => this.receive(frame),
      state: (state) => this.connectionState(state),
      fatal: (code) => this.shutDown(refusalText(code)),
    });
  }

  start() {
    for (const type of DOM_EVENTS) this.root.addEventListener(type, (event) => this.onDomEvent(event), true);
    for (const el of this.elements.values()) this.wire(el);
    // File URLs are checked against this browser's pass cookie: it must exist before the session does.
    if (this.config.files?.pass_cookie) ensurePassCookie(this.config.files.pass_cookie);
    this.connection.connect();
    // Blocks(js=...): the app's own code, run once its page is ready.
    const onLoad = clientFunction(this.config.app, "load");
    if (onLoad) callClientFunction(onLoad, [], 0).catch((error) => console.error("blocksstate: the app's js failed", error));
  }

  // What every block's element needs once it is on the page.
  wire(el) {
    const { bsScale: scale, bsMinWidth: minWidth } = el.dataset;
    // Set through the CSSOM, which a strict Content-Security-Policy allows (style attributes it does not).
    if (scale !== undefined) el.style.setProperty("--bs-scale", scale);
    if (minWidth !== undefined) el.style.setProperty("--bs-min-width", `${minWidth}px`);
    entryOf(el).attach?.(el, this, null);
  }

  // A @gr.render region was (re)built on the server: show its markup, rendered there by the
  // components' own templates, and wire its components and listeners. A component the
  // visitor edited that is still there (same key) keeps what the visitor typed.
  showRegion(container, region) {
    const regionId = container.dataset.bsId;
    const kept = new Map();
    for (const id of this.regionIds.get(regionId) ?? []) {
      const el = this.elements.get(id);
      if (el && this.dirty.has(id) && id in region.components) kept.set(id, entryOf(el).read(el));
      this.elements.delete(id);
      this.editable.delete(id);
      this.dirty.delete(id);
    }
    container.innerHTML = region.html;
    const ids = [];
    for (const el of container.querySelectorAll("[data-bs-id]")) {
      const id = el.dataset.bsId;
      ids.push(id);
      this.elements.set(id, el);
      this.editable.set(id, Boolean(region.components[id]?.editable));
      this.wire(el);
      if (kept.has(id)) {
        entryOf(el).write?.(el, kept.get(id), { value: kept.get(id) });
        this.dirty.add(id);
      }
      if (this.closed) for (const control of el.querySelectorAll("input, textarea, select, button")) control.disabled = true;
    }
    this.regionIds.set(regionId, ids);
    this.dispatcher.setRegion(regionId, region.dependencies ?? []);
  }

  // -- visitor actions ------------------------------------------------------------------

  onDomEvent(event) {
    if (this.closed) return;
    const el = event.target.closest?.("[data-bs-id]");
    if (!el || !this.root.contains(el)) return;
    const id = el.dataset.bsId;
    const entry = entryOf(el);
    if ((event.type === "input" || event.type === "change") && entry.read) {
      this.dirty.add(id);
      entry.edited?.(el);
    }
    for (const item of componentEvents(event, el, entry.listen)) {
      const [target, name, data] = Array.isArray(item) ? item : [id, item];
      if (!this.dispatcher.listens(target, name)) continue;
      if (name === "submit") event.preventDefault();
      this.dispatcher.trigger(target, name, data);
    }
  }

  // A component's own action outside a DOM event (an upload that ended, a file removed):
  // `events` are [name, data?] pairs of component `id`; `edited` sends its new value with them.
  act(id, events, edited = false) {
    if (this.closed) return;
    if (edited) this.dirty.add(id);
    for (const [name, data] of events) {
      if (this.dispatcher.listens(id, name)) this.dispatcher.trigger(id, name, data);
    }
  }

  // -- timers ------------------------------------------------------------------------------

  // Trigger the component's `tick` every `seconds` while `active` (a Timer's registry entry asks).
  tickEvery(id, seconds, active) {
    clearInterval(this.timers.get(id));
    this.timers.delete(id);
    if (!active || !(seconds > 0) || !this.dispatcher.listens(id, "tick")) return;
    this.timers.set(
      id,
      setInterval(() => {
        // Ticks while disconnected are skipped rather than piled up.
        if (this.connection.isOpen) this.dispatcher.trigger(id, "tick");
      }, seconds * 1000),
    );
  }

  // A timer made for a listener's `every=` starts ticking (once).
  startTimer(id) {
    const el = this.elements.get(id);
    if (!el || this.timers.has(id)) return;
    el.dataset.bsActive = "true";
    this.tickEvery(id, Number(el.dataset.bsInterval), true);
  }

  // -- client-side functions (js=) -----------------------------------------------------------

  // Run the listener's client-side function with its inputs' values. With a server function,
  // what it returns replaces the inputs (shown, and sent with the event); without, it sets
  // the outputs and no event goes to the server.
  async runClientFunction(entry, dependency, fn) {
    const targets = (dependency.server ? dependency.inputs : dependency.outputs).map(String);
    try {
      const inputs = dependency.inputs.map((id) => {
        const el = this.elements.get(String(id));
        return el ? entryOf(el).read?.(el) ?? null : null;
      });
      const values = await callClientFunction(fn, inputs, targets.length);
      targets.forEach((id, i) => {
        const el = this.elements.get(id);
        if (!el || i >= values.length || values[i] === undefined) return;
        entryOf(el).write?.(el, values[i], { value: values[i] });
        if (this.isEditable(id)) this.dirty.add(id);
      });
    } catch (error) {
      showToast({ level: "error", title: t("error"), message: t("page_function_failed", { error: error?.message ?? error }) });
      this.endLocally(entry);
      return;
    }
    entry.held = false;
    if (!dependency.server) this.endLocally(entry);
    else if (this.connection.isOpen) this.transmit(entry);
  }

  endLocally(entry) {
    entry.held = false;
    this.outbox.delete(entry.seq);
    this.dispatcher.finish(entry.seq);
  }

  // -- frames out --------------------------------------------------------------------------

  isEditable(id) {
    return this.editable.get(id) === true;
  }

  collect(ids) {
    const values = {};
    for (const id of ids) {
      const el = this.elements.get(id);
      if (el && this.isEditable(id)) values[id] = entryOf(el).read(el);
    }
    return values;
  }

  helloValues() {
    this.dirty.clear();
    return this.collect([...this.elements.keys()]);
  }

  sendEvent(dep, data, trigger) {
    this.seq += 1;
    const entry = { seq: this.seq, dep, values: null, data: data ?? null, trigger: trigger ?? null };
    this.outbox.set(entry.seq, entry);
    const dependency = this.dispatcher.dependencies.get(dep);
    const fn = dependency?.js != null ? clientFunction(this.config.app, String(dependency.js)) : null;
    if (fn) {
      entry.held = true; // sent once the page's function has run
      this.runClientFunction(entry, dependency, fn);
    } else if (this.connection.isOpen) this.transmit(entry);
    this.showStatus();
    return entry.seq;
  }

  transmit(entry) {
    const values = entry.values ?? this.collect(this.dirty);
    const frame = { type: "event", seq: entry.seq, dep: entry.dep, values };
    if (entry.data !== null) frame.data = entry.data;
    if (entry.trigger !== null) frame.trigger = entry.trigger;
    if (!this.connection.send(frame)) return;
    if (entry.values === null) this.dirty.clear();
    entry.values = values;
    this.progress.sent(entry.seq);
    this.connection.expectAnswer();
  }

  // -- frames in ---------------------------------------------------------------------------

  receive(frame) {
    switch (frame.type) {
      case "session":
        this.onSession(frame);
        break;
      case "update":
        this.applyUpdates(frame.updates ?? {});
        break;
      case "progress":
      case "queued":
      case "started":
        this.progress.receive(frame);
        break;
      case "browser_state":
        this.browserStorage.store(frame.tokens);
        break;
      case "alert":
        showToast({ level: frame.level, title: frame.title, message: frame.message, duration: frame.duration });
        break;
      case "done":
      case "failed":
        this.dispatcher.finish(frame.seq);
        break;
      case "error":
        if (frame.seq != null) this.dispatcher.finish(frame.seq);
        if (!this.refusedValue(frame)) showToast({ level: "warning", title: t("warning"), message: frame.message });
        break;
      case "closed":
        this.shutDown(frame.reason || t("session_ended"));
        break;
      default:
        break;
    }
  }

  // A value the server refused (`component` names it): its kept value is shown again, and
  // the refusal said in the component if it can.
  refusedValue(frame) {
    if (frame.component != null && frame.kept) this.applyUpdates({ [frame.component]: frame.kept });
    const el = frame.component == null ? null : this.elements.get(String(frame.component));
    const refused = el && entryOf(el).refused;
    if (refused) refused(el, frame.message);
    return Boolean(refused);
  }

  onSession(frame) {
    this.uploadToken = frame.upload ?? null;
    if (frame.notice) showToast({ level: "info", message: frame.notice });
    for (const entry of [...this.outbox.values()]) {
      if (entry.held) continue; // its page function is still running: sent when it ends
      // Events sent in a session that did not come back belonged to it: they are over.
      if (!frame.resumed && entry.values !== null) {
        this.dispatcher.finish(entry.seq);
        continue;
      }
      // A re-sent event may set older values than the hello just sent: send the current ones again next.
      for (const id of Object.keys(entry.values ?? {})) this.dirty.add(id);
      this.transmit(entry);
    }
    this.showStatus();
  }

  applyUpdates(updates) {
    for (const [id, update] of Object.entries(updates)) {
      const el = this.elements.get(id);
      if (!el) continue;
      if (update.region) {
        this.showRegion(el, update.region);
        continue;
      }
      const entry = entryOf(el);
      // `html` is how the server rendered the value (Markdown, Chatbot), not a property.
      const { value, html, ...props } = update;
      if ("interactive" in props && entry.read) {
        this.editable.set(id, Boolean(props.interactive));
        setEditable(el, Boolean(props.interactive) && !this.closed);
      }
      if (Object.keys(props).length) applyProps(el, props);
      if ("value" in update) {
        entry.write?.(el, value, update);
        this.dirty.delete(id);
      }
      entry.attach?.(el, this, update);
    }
  }

  // -- connection ----------------------------------------------------------------------------

  connectionState(state) {
    this.root.dataset.bsState = state;
    this.showStatus();
  }

  // While the connection is down, say so, and how many actions wait to be sent.
  showStatus() {
    if (this.closed || !this.status) return;
    const state = this.connection.state;
    let text = state === "reconnecting" ? t("reconnecting") : "";
    if (state !== "open" && this.outbox.size) text += ` ${t("waiting", { count: this.outbox.size })}`;
    this.status.textContent = text.trim();
  }

  // The session is over for good: say why, and let nothing be edited or clicked.
  shutDown(reason) {
    if (this.closed) return;
    this.closed = true;
    this.connection.stop();
    this.progress.stop();
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
    if (this.status) this.status.textContent = reason;
    this.root.classList.add("bs-app-closed");
    for (const el of this.root.querySelectorAll("input, textarea, select, button")) el.disabled = true;
  }

  // The page is going away: end the session now rather than after the resume grace period.
  leave() {
    if (this.connection.isOpen) this.connection.send({ type: "close" });
    this.connection.stop();
  }
}

function boot() {
  const registry = (window.blocksstate ??= { apps: {} });
  registry.apps ??= {};
  // For apps inserted later (e.g. by htmx): window.blocksstate.boot() takes them over.
  registry.boot = boot;
  for (const root of document.querySelectorAll(".bs-app[data-bs-config]")) {
    if (root.dataset.bsBooted) continue;
    const script = document.getElementById(root.dataset.bsConfig);
    if (!script) continue;
    root.dataset.bsBooted = "true";
    const config = JSON.parse(script.textContent);
    setStrings(config.strings, config.language);
    const app = new App(root, config);
    registry.apps[app.key] = {
      app,
      get state() {
        return app.connection.state;
      },
      get sessionId() {
        return app.connection.sessionId;
      },
      dropConnection() {
        app.connection.drop();
      },
    };
    app.start();
  }
}

window.addEventListener("pagehide", () => {
  for (const entry of Object.values(window.blocksstate?.apps ?? {})) entry.app.leave();
});
// A page restored from the back/forward cache had its sessions closed: start fresh ones.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) window.location.reload();
});
window.addEventListener("online", () => {
  for (const entry of Object.values(window.blocksstate?.apps ?? {})) entry.app.connection.retryNow();
});

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
else boot();

export { App, boot };
