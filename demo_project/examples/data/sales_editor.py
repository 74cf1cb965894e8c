"""A Dataframe editor with a line plot of its rows: edit a month's sales, add a month, and
the plot and the summary follow.

The table's value reaches the handlers as a pandas DataFrame (``pip install
"django-blocksstate[data]"``); the number columns refuse a word before any handler runs.
"""

import blocksstate as gr

SALES = [[1, 120], [2, 135], [3, 128], [4, 160], [5, 171], [6, 190]]


def summary(table) -> str:
    if table.empty:
        return "No months yet"
    best = table.loc[table["sales"].idxmax()]
    return f"{len(table)} months, {table['sales'].sum():g} sold, best month {best['month']:g}"


with gr.Blocks(title="Sales editor") as demo:
    table = gr.Dataframe(
        SALES,
        headers=["month", "sales"],
        datatype=["number", "number"],
        col_count=(2, "fixed"),
        interactive=True,
        label="Monthly sales",
    )
    plot = gr.LinePlot(
        x="month", y="sales", title="Sales by month", label="Sales by month", height=280
    )
    total = gr.Textbox(label="Summary", interactive=False)

    # One handler draws the plot and writes the summary, on load and after each edit.
    gr.on([demo.load, table.change], lambda t: (t, summary(t)), table, [plot, total])

if __name__ == "__main__":
    demo.launch()
