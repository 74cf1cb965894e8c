"""The cart app for Gradio, as in the state guide: CheckboxGroup + State + State.change."""

import gradio as gr
from _common import launch

CART_CHOICES = ["Cereal", "Milk", "Orange Juice", "Water"]

with gr.Blocks(title="cart") as demo:
    cart = gr.State([])
    items_to_add = gr.CheckboxGroup(CART_CHOICES, label="Items")

    def add_items(new_items, previous_cart):
        return previous_cart + new_items

    gr.Button("Add Items").click(add_items, [items_to_add, cart], cart, api_name="add_items")
    cart_size = gr.Number(label="Cart Size", precision=0)
    cart.change(lambda cart: len(cart), cart, cart_size, api_name="cart_size")

if __name__ == "__main__":
    launch(demo)
