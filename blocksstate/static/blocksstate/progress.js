// What the page shows while its events run, as Gradio's status tracker does: on each
// event's outputs (or its show_progress_on components) the seconds it has run, counted
// here on the page's clock ("processing | 1.2s"); "queued" while it waits for its turn;
// and when its handler reports gr.Progress, the bar with its description and fraction,
// the step it is at ("3/10 steps") and an ETA. The server sends no timer frames: only
// `progress`, and `queued`/`started` when a run had to wait (docs/protocol.md).
//
// The ETA is the time the bar needs to fill at the rate it has moved since its first frame:
// with the bar at f0 at t0 and at f1 at t1 (the page's clock when the frames came),
// it is full at t1 + (1 - f1) * (t1 - t0) / (f1 - f0), counted down from then. A bar
// whose description changes or that goes back starts over (a new loop).

import { pageLanguage, percent, t } from "./strings.js";

// The texts the visitor reads here are the page config's (rendering/strings.py):
// "progress.processing", "progress.queued", "progress.elapsed" and "progress.eta" (with
// %(seconds)s, a number with one decimal), "progress" (the bar's accessible name when the
// handler gave no description).

const TICK_MS = 100;
const SEPARATOR = " | ";

const seconds = (ms) =>
  new Intl.NumberFormat(pageLanguage(), { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false }).format(Math.max(0, ms) / 1000);

// A count of steps as Gradio writes it: 1234 as "1.2k", 12.5 as "12.5".
function count(n) {
  const units = ["", "k", "M", "G", "T", "P"];
  let i = 0;
  while (Math.abs(n) >= 1000 && i < units.length - 1) {
    n /= 1000;
    i += 1;
  }
  return (Number.isInteger(n) ? String(n) : n.toFixed(1)) + units[i];
}

// One event the page waits for.
class Run {
  constructor(dependency, now) {
    this.dependency = dependency;
    this.since = now; // when its time started: the visitor's action, or when its turn came
    this.atServer = false; // sent (the outbox may hold it while the page reconnects)
    this.behind = false; // another event of this page is ahead of it (the server runs them in order)
    this.waiting = false; // the server said `queued`, and not yet `started`
    this.frame = null; // its last `progress` frame
    this.bar = null; // {desc, first: [t, f], last: [t, f]}: how the bar moved, for the ETA
  }

  get queued() {
    return !this.atServer || this.behind || this.waiting;
  }

  noteProgress(frame, now) {
    this.frame = frame;
    const f = typeof frame.progress === "number" ? Math.max(0, Math.min(1, frame.progress)) : null;
    const bar = this.bar;
    if (f === null) this.bar = null;
    else if (!bar || bar.desc !== frame.desc || f < bar.last[1]) this.bar = { desc: frame.desc, first: [now, f], last: [now, f] };
    else bar.last = [now, f];
  }

  // When the bar will be full (the page's clock), or null while its rate is unknown.
  expectedEnd() {
    if (!this.bar) return null;
    const [[t0, f0], [t1, f1]] = [this.bar.first, this.bar.last];
    if (f1 >= 1) return t1;
    if (!(t1 > t0 && f1 > f0)) return null;
    return t1 + ((1 - f1) * (t1 - t0)) / (f1 - f0);
  }

  // The timer's text: "processing | 1.2s", "queued | 0.4s", "3/10 steps | 1.2s | ETA 2.5s".
  timerText(now) {
    const frame = this.frame;
    let state = t("progress.processing");
    if (this.queued) state = t("progress.queued");
    else if (frame && typeof frame.index === "number") {
      const steps = typeof frame.length === "number" ? `${count(frame.index)}/${count(frame.length)}` : count(frame.index);
      state = [steps, frame.unit].filter(Boolean).join(" ");
    }
    const parts = [state, t("progress.elapsed", { seconds: seconds(now - this.since) })];
    const end = this.queued ? null : this.expectedEnd();
    if (end !== null) parts.push(t("progress.eta", { seconds: seconds(end - now) }));
    return parts.join(SEPARATOR);
  }

  // The bar's text, as Gradio's: "Crunching - 30.0%".
  barText() {
    const { desc, progress } = this.frame;
    const done = typeof progress === "number" ? percent(Math.max(0, Math.min(1, progress)), 1) : null;
    return [desc, done].filter((part) => part != null && part !== "").join(" - ");
  }
}

export class ProgressView {
  // `app` gives `root` and `elements` (component wrappers by id).
  constructor(app) {
    this.app = app;
    this.runs = new Map(); // by seq, in the order they started
    this.order = []; // seqs sent to the server and not answered, in the order sent
    this.busy = new Map(); // how many runs mark each component busy, by id ("app": the app)
    this.shown = new Set(); // elements showing a timer or a bar
    this.ticker = null;
  }

  // -- what happens to an event ----------------------------------------------------------------

  started(dependency, seq) {
    if (dependency.show_progress === "hidden") return;
    this.runs.set(seq, new Run(dependency, performance.now()));
    this.markBusy(dependency, 1);
    this.settle();
  }

  // The event `seq` went to the server (again, after a reconnect: it keeps its place).
  sent(seq) {
    if (!this.order.includes(seq)) this.order.push(seq);
    this.settle();
  }

  finished(dependency, seq) {
    this.order = this.order.filter((other) => other !== seq);
    if (this.runs.delete(seq)) this.markBusy(dependency, -1);
    this.settle();
  }

  // A `progress`, `queued` or `started` frame.
  receive(frame) {
    const run = this.runs.get(frame.seq);
    if (!run) return;
    if (frame.type === "progress") run.noteProgress(frame, performance.now());
    else {
      this.change(run, () => {
        run.waiting = frame.type === "queued";
      });
    }
    this.render();
  }

  // The app closed for good: show nothing of what ran.
  stop() {
    for (const [seq, run] of [...this.runs]) this.finished(run.dependency, seq);
  }

  // The server runs a page's events one at a time, in the order sent: one behind another
  // waits, and its time starts when its turn comes.
  settle() {
    const head = this.order[0];
    for (const [seq, run] of this.runs) {
      this.change(run, () => {
        run.atServer = this.order.includes(seq);
        run.behind = run.atServer && seq !== head;
      });
    }
    this.render();
  }

  // Apply `change` to `run`; a run that stops waiting starts its time now.
  change(run, change) {
    const queued = run.queued;
    change();
    if (queued && !run.queued) run.since = performance.now();
  }

  // -- the page --------------------------------------------------------------------------------

  markBusy(dependency, delta) {
    const { root, elements } = this.app;
    const all = (this.busy.get("app") ?? 0) + delta;
    this.busy.set("app", all);
    root.classList.toggle("bs-app-busy", all > 0);
    for (const id of dependency.show_progress_on ?? dependency.outputs) {
      const el = elements.get(String(id));
      if (!el) continue;
      const n = (this.busy.get(id) ?? 0) + delta;
      this.busy.set(id, n);
      el.classList.toggle("bs-pending", n > 0);
      el.classList.toggle("bs-pending-minimal", n > 0 && dependency.show_progress === "minimal");
      if (n > 0) el.setAttribute("aria-busy", "true");
      else el.removeAttribute("aria-busy");
    }
  }

  // Where a run shows: its outputs (or show_progress_on); the app itself for a bar without them.
  hostsOf(run) {
    const { dependency } = run;
    const ids = dependency.show_progress_on ?? dependency.outputs;
    const hosts = ids.map((id) => this.app.elements.get(String(id))).filter(Boolean);
    return hosts.length || !run.frame ? hosts : [this.app.root];
  }

  render() {
    const now = performance.now();
    // The latest run on an element is the one it shows.
    const showing = new Map();
    for (const run of this.runs.values()) for (const host of this.hostsOf(run)) showing.set(host, run);
    for (const el of this.shown) if (!showing.has(el)) clear(el);
    for (const [el, run] of showing) show(el, run, now);
    this.shown = new Set(showing.keys());
    this.tick(this.runs.size > 0);
  }

  tick(on) {
    if (on && this.ticker === null) this.ticker = setInterval(() => this.render(), TICK_MS);
    if (!on && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }
}

function show(el, run, now) {
  let timer = el.querySelector(":scope > .bs-progress-time");
  if (!timer) {
    timer = document.createElement("span");
    timer.className = "bs-progress-time";
    timer.setAttribute("role", "timer"); // a live region that is not read out at each change
    el.append(timer);
  }
  timer.textContent = run.timerText(now);
  let bar = el.querySelector(":scope > .bs-progress");
  if (!run.frame) {
    bar?.remove();
    return;
  }
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "bs-progress";
    const meter = document.createElement("progress");
    meter.max = 1;
    const desc = document.createElement("span");
    desc.className = "bs-progress-desc";
    bar.append(desc, meter);
    el.prepend(bar);
  }
  const meter = bar.querySelector("progress");
  const { progress, desc } = run.frame;
  if (typeof progress === "number") meter.value = Math.max(0, Math.min(1, progress));
  else meter.removeAttribute("value");
  meter.setAttribute("aria-label", desc || t("progress"));
  bar.querySelector(".bs-progress-desc").textContent = run.barText();
}

function clear(el) {
  el.querySelector(":scope > .bs-progress-time")?.remove();
  el.querySelector(":scope > .bs-progress")?.remove();
}
