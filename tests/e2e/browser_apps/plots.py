"""The plots' browser test app: a *Slope* number redraws a line plot, a matplotlib figure and a
Plotly figure; dragging across the line plot or double-clicking it shows what was selected."""

from __future__ import annotations

import blocksstate as gr


def line(slope: float) -> dict[str, list[float]]:
    return {"x": list(range(10)), "y": [slope * x for x in range(10)]}


def picture(slope: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3))
    axes = figure.subplots()
    axes.plot(range(10), [slope * x for x in range(10)])
    axes.set_title(f"Matplotlib slope {slope:g}")
    return figure


def interactive(slope: float):
    import plotly.graph_objects as go

    figure = go.Figure(go.Scatter(x=list(range(10)), y=[slope * x for x in range(10)]))
    figure.update_layout(title_text=f"Plotly slope {slope:g}", height=320)
    return figure


def show_range(evt: gr.SelectData) -> str:
    return f"{evt.index[0]:.1f} to {evt.index[1]:.1f}"


def plots_app() -> gr.Blocks:
    with gr.Blocks(title="Plots") as demo:
        slope = gr.Number(2, label="Slope")
        plot = gr.LinePlot(line(2), x="x", y="y", label="Line of slope", title="Line of slope")
        selected = gr.Textbox(label="Selected")
        figure = gr.Plot(picture(2), label="Matplotlib figure")
        plotly = gr.Plot(interactive(2), label="Plotly figure")
        slope.change(lambda s: (line(s), picture(s), interactive(s)), slope, [plot, figure, plotly])
        plot.select(show_range, None, selected)
        plot.double_click(lambda: "double-clicked", None, selected)
    return demo


gr.register("plots", plots_app())
