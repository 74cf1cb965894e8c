"""``dataframe``: a table of prices a visitor edits, with what handlers make of it.

An editable *Prices* Dataframe (item: text, price: number, in stock: bool); a *Total*
box a change listener fills with the sum of the prices and the items in stock; a
*Selected* box a select listener fills with the selected cell and its row.
"""

import blocksstate as gr

PRICES = [["apple", 1.5, True], ["pear", 2, False], ["plum", 3, True]]


def total(table) -> str:
    prices = table["price"].sum()
    # A new row's "in stock" is empty (None) until ticked.
    stocked = ", ".join(
        item for item, ok in zip(table["item"], table["in stock"], strict=True) if ok in (True,)
    )
    return f"{prices:g} ({stocked})"


def selected(table, evt: gr.SelectData) -> str:
    row, column = evt.index
    cells = ", ".join(str(cell) for cell in evt.row_value)
    return f"[{row}, {column}] {evt.value} of row {cells}"


def dataframe_app() -> gr.Blocks:
    with gr.Blocks(title="Dataframe") as demo:
        prices = gr.Dataframe(
            PRICES,
            headers=["item", "price", "in stock"],
            datatype=["str", "number", "bool"],
            label="Prices",
            interactive=True,
        )
        summed = gr.Textbox(label="Total", value=total(prices.to_handler(prices.initial_value())))
        chosen = gr.Textbox(label="Selected")
        prices.change(total, prices, summed)
        prices.select(selected, prices, chosen)
    return demo


gr.register("dataframe", dataframe_app())
