"""A tally that any code changes (views of both workers, a plain process), shown on every page.

Its ``.change`` listener notes ``<session id>|<value>`` in the Redis list ``mw:tally-runs``, so
the test sees every run of it, whichever worker ran it: no session may see one value twice.
"""

import blocksstate as gr

APP = "mw-tally"
KEY = "mw-tally"


def redis():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def build() -> gr.Blocks:
    def shown(value, request: gr.Request):
        redis().rpush("mw:tally-runs", f"{request.session_hash}|{value}")
        return value

    with gr.Blocks() as demo:
        tally = gr.GlobalState(0, key=KEY)
        total = gr.Number(label="Tally")
        tally.change(shown, tally, total)
        demo.load(lambda value: value, tally, total)
    return demo
