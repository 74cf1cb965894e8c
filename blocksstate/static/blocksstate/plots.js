// gr.Plot and the native plots (LinePlot, ScatterPlot, BarPlot): their REGISTRY entries.
//
// The server draws: a matplotlib or Altair figure comes as an SVG picture (an <img> with a
// data: URL, whose scripts never run), a native plot as SVG built by the server from
// escaped text (its `svg` field). A Plotly figure comes as JSON, drawn by the vendored
// plotly.js, loaded the first time a page shows one (docs/plots.md).

const SVG_NS = "http://www.w3.org/2000/svg";
let plotlyLoading = null;

// Load plotly.js once, from the URL the template wrote (the site's static files).
function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      const nonce = document.querySelector("script[nonce]")?.nonce;
      if (nonce) script.nonce = nonce;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("plotly.js did not load"));
      document.head.append(script);
    });
  }
  return plotlyLoading;
}

function showPlot(el, value) {
  const image = el.querySelector(".bs-plot-image");
  const box = el.querySelector(".bs-plot-plotly");
  const kind = value?.kind;
  el.querySelector(".bs-media-empty").hidden = Boolean(kind);
  image.hidden = kind !== "image";
  if (kind === "image") image.src = value.src;
  else image.removeAttribute("src");
  box.hidden = kind !== "plotly";
  if (kind !== "plotly") {
    window.Plotly?.purge(box);
    return;
  }
  const figure = value.figure || {};
  loadPlotly(el.dataset.bsPlotlySrc).then((Plotly) =>
    Plotly.react(box, figure.data || [], { ...(figure.layout || {}), autosize: true }, { responsive: true, displaylogo: false }),
  );
}

export const PLOT = {
  write: (el, value) => showPlot(el, value),
  attach(el, app, update) {
    if (update) return;
    const script = document.getElementById(`${el.id}-figure`);
    const figure = script ? JSON.parse(script.textContent) : null;
    if (figure) showPlot(el, { kind: "plotly", figure });
  },
};

// -- native plots ------------------------------------------------------------------------

function setChart(el, svg) {
  const frame = el.querySelector(".bs-chart-frame");
  // `svg` is the server's own drawing (chart_svg.py: every text escaped), never a visitor's.
  frame.innerHTML = svg || "";
  el.querySelector(".bs-media-empty").hidden = Boolean(svg);
}

// The x value under a pointer, from the plot area's data range and its place on screen.
function xAt(area, clientX) {
  const box = area.getBoundingClientRect();
  const low = Number(area.dataset.xMin);
  const high = Number(area.dataset.xMax);
  const share = Math.min(Math.max((clientX - box.left) / box.width, 0), 1);
  return low + share * (high - low);
}

// Drag across the plot to select an x range (a `select` with index [low, high], as in Gradio).
function wireBrush(el, app) {
  let start = null;
  let band = null;
  el.addEventListener("pointerdown", (event) => {
    const area = el.querySelector(".bs-chart-area[data-x-min]");
    if (!area || event.button !== 0) return;
    const svg = area.ownerSVGElement;
    start = { x: event.clientX, area, svg };
    band = document.createElementNS(SVG_NS, "rect");
    band.setAttribute("class", "bs-chart-brush");
    band.setAttribute("fill", "currentColor");
    band.setAttribute("fill-opacity", "0.12");
    band.setAttribute("y", area.getAttribute("y"));
    band.setAttribute("height", area.getAttribute("height"));
    svg.append(band);
  });
  el.addEventListener("pointermove", (event) => {
    if (!start) return;
    const scale = start.svg.viewBox.baseVal.width / start.svg.getBoundingClientRect().width;
    const left = start.svg.getBoundingClientRect().left;
    const a = (Math.min(start.x, event.clientX) - left) * scale;
    const b = (Math.max(start.x, event.clientX) - left) * scale;
    band.setAttribute("x", String(a));
    band.setAttribute("width", String(b - a));
  });
  const end = (event) => {
    if (!start) return;
    const { x, area } = start;
    start = null;
    band?.remove();
    if (Math.abs(event.clientX - x) < 4) return;
    const range = [xAt(area, x), xAt(area, event.clientX)].sort((p, q) => p - q);
    app.act(el.dataset.bsId, [["select", { index: range, value: range, selected: true }]]);
  };
  el.addEventListener("pointerup", end);
  el.addEventListener("pointercancel", () => {
    start = null;
    band?.remove();
  });
}

const wired = new WeakSet();

export const NATIVE_PLOT = {
  write: (el, value, update) => setChart(el, update?.svg),
  attach(el, app) {
    if (wired.has(el)) return;
    wired.add(el);
    wireBrush(el, app);
    // dblclick is not among the page's delegated DOM events (client.js): listened to here.
    el.addEventListener("dblclick", () => app.act(el.dataset.bsId, [["double_click"]]));
  },
  applyProps(el, props) {
    if ("caption" in props) {
      const caption = el.querySelector(".bs-chart-caption");
      caption.textContent = props.caption ?? "";
      caption.hidden = !props.caption;
    }
  },
};
