import blocksstate as gr

def save_credentials(username, password):
    # In a real app, you would validate and hash the password
    return username, password, "Credentials saved!"

def load_status(username):
    if username:
        return f"Welcome back, {username}!"
    return "No saved credentials found."

with gr.Blocks() as demo:
    gr.Markdown("# Login Demo")
    
    # Store credentials in browser localStorage
    stored_username = gr.BrowserState("")
    stored_password = gr.BrowserState("")
    
    status = gr.Textbox(label="Status", interactive=False)
    
    with gr.Row():
        username_input = gr.Textbox(label="Username")
        password_input = gr.Textbox(label="Password", type="password")
    
    save_btn = gr.Button("Save Credentials")
    save_btn.click(
        save_credentials,
        inputs=[username_input, password_input],
        outputs=[stored_username, stored_password, status]
    )
    
    # Load saved credentials on page load
    demo.load(load_status, inputs=stored_username, outputs=status)

demo.launch()
