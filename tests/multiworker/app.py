"""The app both workers serve: a counter that says which worker answered.

Its unload listener and its State's delete callback write to Redis lists (no key prefix), so
the test sees them whichever process ran them: ``mw:unload`` gets ``<session id>|<pid>``,
``mw:deleted`` gets ``<count>|<pid>``; the "Slow" handler says it started in ``mw:slow``.
"""

import os
import time

import blocksstate as gr

APP = "mw-counter"
DELETE_CACHE = (1, 2)  # sweep every second; values kept two seconds after the end


def redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def build() -> gr.Blocks:
    def add(count):
        return count + 1, count + 1, str(os.getpid())

    def slow(count):
        redis().rpush("mw:slow", str(os.getpid()))
        time.sleep(60)  # the test kills the worker meanwhile
        return count + 1000, count + 1000, str(os.getpid())

    def deleted(count):
        redis().rpush("mw:deleted", f"{count}|{os.getpid()}")

    def goodbye(request: gr.Request):
        redis().rpush("mw:unload", f"{request.session_hash}|{os.getpid()}")

    with gr.Blocks(delete_cache=DELETE_CACHE) as demo:
        count = gr.State(0, delete_callback=deleted)
        shown = gr.Number(label="Count")
        worker = gr.Textbox(label="Worker")
        gr.Button("Add").click(add, count, [count, shown, worker])
        gr.Button("Slow").click(slow, count, [count, shown, worker])
        demo.unload(goodbye)
    return demo
