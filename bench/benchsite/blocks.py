"""The measured apps, registered with blocksstate (found by its ``blocks.py`` autodiscovery).

The same apps are written for Gradio in ``bench/gradio_apps/``; handlers and layout
match line for line. ``api_name`` lets the load generator find each event's id in
either framework's config.
"""

import os

import blocksstate as gr

CART_CHOICES = ["Cereal", "Milk", "Orange Juice", "Water"]
BIGSTATE_SIZES = {"10k": 10_000, "20k": 20_000, "50k": 50_000}


def build_counter(title="counter", shared_key=None):
    # shared_key: the count is a GlobalState (each event locks, reads and writes it).
    with gr.Blocks(title=title) as demo:
        count = gr.GlobalState(0, key=shared_key) if shared_key else gr.State(0)
        shown = gr.Number(label="Count", precision=0)
        button = gr.Button("Increment")

        def increment(c):
            return c + 1, c + 1

        button.click(increment, count, [count, shown], api_name="increment")
    return demo


def build_cart():
    # As in the state guide: the cart size is shown by a State.change listener.
    with gr.Blocks(title="cart") as demo:
        cart = gr.State([])
        items_to_add = gr.CheckboxGroup(CART_CHOICES, label="Items")

        def add_items(new_items, previous_cart):
            return previous_cart + new_items

        gr.Button("Add Items").click(add_items, [items_to_add, cart], cart, api_name="add_items")
        cart_size = gr.Number(label="Cart Size", precision=0)
        cart.change(lambda cart: len(cart), cart, cart_size, api_name="cart_size")
    return demo


def make_items(n):
    return [{"id": i, "name": f"item {i}", "qty": 1, "done": False} for i in range(n)]


def build_bigstate(n, with_change, serializer="pickle"):
    # A State holding n small dicts; each click appends one. With ``with_change`` a
    # State.change listener shows the length; "length" reads it for the final check.
    with gr.Blocks(title=f"bigstate {n}") as demo:
        items = gr.State(make_items(n), serializer=serializer)
        length = gr.Number(label="Length", precision=0)
        add = gr.Button("Add")
        check = gr.Button("Check")

        def add_item(current):
            current.append(
                {"id": len(current), "name": f"item {len(current)}", "qty": 1, "done": False}
            )
            return current

        add.click(add_item, items, items, api_name="add_item")
        check.click(lambda current: len(current), items, length, api_name="length")
        if with_change:
            items.change(lambda current: len(current), items, length, api_name="on_change")
    return demo


def build_files():
    # One gr.File, the target of bench/upload_bench.py (its uploads go over HTTP to
    # /blocksstate/upload/files/). The upload listener is the same as Gradio's app.
    with gr.Blocks(title="files") as demo:
        upload = gr.File(label="File", file_count="single")
        size = gr.Number(label="Size", precision=0)

        def file_size(path):
            return os.path.getsize(path) if path else None

        upload.upload(file_size, upload, size, api_name="file_size")
    return demo


gr.register("counter", build_counter())
gr.register("cart", build_cart())
gr.register("global-counter", build_counter("global counter", "bench-global-counter"))
for _label, _n in BIGSTATE_SIZES.items():
    gr.register(f"bigstate-{_label}", build_bigstate(_n, with_change=False))
    gr.register(f"bigstate-{_label}-change", build_bigstate(_n, with_change=True))
    # The same apps with gr.State(serializer="marshal"), compared with the same Gradio app.
    gr.register(f"bigstate-{_label}-marshal", build_bigstate(_n, False, "marshal"))
    gr.register(f"bigstate-{_label}-marshal-change", build_bigstate(_n, True, "marshal"))

# Only once the package has file components (issue 16): the event apps do not need it.
if hasattr(gr, "File"):
    gr.register("files", build_files())
