// Page events: which visitor actions are which component events, and when a
// dependency's event is sent (its trigger mode).

// Return the component events a DOM event is, for the component wrapper `el`
// whose registry entry listens as `listen` (see components.js). Each is an event
// name of `el`, or a [component id, event name] pair for another component (a
// Tab's `select`), or a [component id, event name, data] triple whose data (a
// JSON object: a gallery's `select`) goes with the event. Only visitor actions
// come here: values the server writes fire no DOM event.
export function componentEvents(domEvent, el, listen = {}) {
  if (domEvent.type === "focusin" || domEvent.type === "focusout") {
    // Moving between the inputs of one component is neither focus nor blur of it.
    if (domEvent.relatedTarget && el.contains(domEvent.relatedTarget)) return [];
    return [domEvent.type === "focusin" ? "focus" : "blur"];
  }
  const events = listen[domEvent.type] ?? [];
  return typeof events === "function" ? events(domEvent, el) : events;
}

// Sends each dependency's events according to its trigger mode:
//   "once"        ignores a trigger while the previous event is pending (no double submit);
//   "multiple"    sends every trigger;
//   "always_last" keeps only the latest trigger while one is pending, sent when it ends.
export class Dispatcher {
  constructor(dependencies, { send, started, finished }) {
    this.dependencies = new Map();
    this.listeners = new Map();
    // The listeners each @gr.render region made, by the region's container id.
    this.regions = new Map();
    for (const dependency of dependencies) this.add(dependency);
    this.bySeq = new Map();
    this.send = send;
    this.started = started;
    this.finished = finished;
  }

  add(dependency) {
    this.dependencies.set(dependency.id, { ...dependency, running: new Set(), queued: false });
    for (const [componentId, event] of dependency.triggers) {
      const name = `${componentId}:${event}`;
      if (!this.listeners.has(name)) this.listeners.set(name, []);
      this.listeners.get(name).push(dependency.id);
    }
  }

  // A region was rebuilt: its previous listeners are gone, `dependencies` listen from now on.
  // (One still pending ends as usual: `finish` finds it by its seq.)
  setRegion(regionId, dependencies) {
    for (const id of this.regions.get(regionId) ?? []) {
      const dependency = this.dependencies.get(id);
      if (!dependency) continue;
      this.dependencies.delete(id);
      for (const [componentId, event] of dependency.triggers) {
        const name = `${componentId}:${event}`;
        const left = (this.listeners.get(name) ?? []).filter((other) => other !== id);
        if (left.length) this.listeners.set(name, left);
        else this.listeners.delete(name);
      }
    }
    for (const dependency of dependencies) this.add(dependency);
    this.regions.set(regionId, dependencies.map((dependency) => dependency.id));
  }

  // Whether any dependency listens to `event` of component `componentId`.
  listens(componentId, event) {
    return this.listeners.has(`${componentId}:${event}`);
  }

  // A visitor action happened: fire every dependency listening to it. `data` (a JSON
  // object, or undefined) is the event's data: which item was selected, which file deleted.
  // The server is told which trigger it was (a gr.on listener has several).
  trigger(componentId, event, data) {
    const trigger = [Number(componentId), event];
    for (const id of this.listeners.get(`${componentId}:${event}`) ?? []) this.fire(id, data, trigger);
  }

  fire(id, data, trigger) {
    const dependency = this.dependencies.get(id);
    if (!dependency) return false;
    if (dependency.running.size) {
      if (dependency.trigger_mode === "once") return false;
      if (dependency.trigger_mode === "always_last") {
        // The latest trigger is the one sent, with its own data.
        dependency.queued = { data, trigger };
        return false;
      }
    }
    const seq = this.send(id, data, trigger);
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
      const { data, trigger } = dependency.queued;
      dependency.queued = false;
      this.fire(dependency.id, data, trigger);
    }
  }
}
