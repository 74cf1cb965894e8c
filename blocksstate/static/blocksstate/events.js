// Page events: which visitor actions are which component events, and when a
// dependency's event is sent (its trigger mode).

import { isChoice, isTextLike } from "./components.js";

// Return the component events a DOM event is, for the component wrapper `el`.
// Only visitor actions come here: values the server writes fire no DOM event.
export function componentEvents(domEvent, el) {
  const type = el.dataset.bsType;
  const target = domEvent.target;
  switch (domEvent.type) {
    case "click":
      if (type === "button") return target.closest("button:not([disabled]), a") ? ["click"] : [];
      return type === "html" ? ["click"] : [];
    case "input":
      return isTextLike(type) ? ["input", "change"] : [];
    case "change":
      if (type === "slider") return ["release"];
      return isChoice(type) ? ["change", "input", "select"] : [];
    case "select":
      return type === "textbox" ? ["select"] : [];
    case "keydown":
      return isSubmit(domEvent, type) ? ["submit"] : [];
    case "focusin":
    case "focusout":
      // Moving between the inputs of one component is neither focus nor blur of it.
      if (domEvent.relatedTarget && el.contains(domEvent.relatedTarget)) return [];
      return [domEvent.type === "focusin" ? "focus" : "blur"];
    case "toggle":
      return type === "accordion" && target === el ? [el.open ? "expand" : "collapse"] : [];
    default:
      return [];
  }
}

// Enter in a one-line box, or Enter without Shift in a multi-line one, submits.
function isSubmit(event, type) {
  if (event.key !== "Enter" || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return false;
  if (type === "number") return true;
  if (type !== "textbox") return false;
  return event.target.tagName === "INPUT" || !event.shiftKey;
}

// Sends each dependency's events according to its trigger mode:
//   "once"        ignores a trigger while the previous event is pending (no double submit);
//   "multiple"    sends every trigger;
//   "always_last" keeps only the latest trigger while one is pending, sent when it ends.
export class Dispatcher {
  constructor(dependencies, { send, started, finished }) {
    this.dependencies = new Map();
    this.listeners = new Map();
    for (const dependency of dependencies) {
      this.dependencies.set(dependency.id, { ...dependency, running: new Set(), queued: false });
      for (const [componentId, event] of dependency.triggers) {
        const name = `${componentId}:${event}`;
        if (!this.listeners.has(name)) this.listeners.set(name, []);
        this.listeners.get(name).push(dependency.id);
      }
    }
    this.bySeq = new Map();
    this.send = send;
    this.started = started;
    this.finished = finished;
  }

  // Whether any dependency listens to `event` of component `componentId`.
  listens(componentId, event) {
    return this.listeners.has(`${componentId}:${event}`);
  }

  // A visitor action happened: fire every dependency listening to it.
  trigger(componentId, event) {
    for (const id of this.listeners.get(`${componentId}:${event}`) ?? []) this.fire(id);
  }

  fire(id) {
    const dependency = this.dependencies.get(id);
    if (!dependency) return false;
    if (dependency.running.size) {
      if (dependency.trigger_mode === "once") return false;
      if (dependency.trigger_mode === "always_last") {
        dependency.queued = true;
        return false;
      }
    }
    const seq = this.send(id);
    dependency.running.add(seq);
    this.bySeq.set(seq, dependency);
    this.started(dependency, seq);
    return true;
  }

  // The dependency started as `seq` if it is still pending.
  pending(seq) {
    return this.bySeq.get(seq) ?? null;
  }

  // The event `seq` has ended (done, failed, refused or lost with a connection).
  finish(seq) {
    const dependency = this.bySeq.get(seq);
    if (!dependency) return;
    this.bySeq.delete(seq);
    dependency.running.delete(seq);
    this.finished(dependency, seq);
    if (!dependency.running.size && dependency.queued) {
      dependency.queued = false;
      this.fire(dependency.id);
    }
  }
}
