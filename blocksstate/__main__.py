"""``python -m blocksstate script.py [--host H] [--port N]``: serve a Gradio-style script's app."""

from __future__ import annotations

import argparse
import sys

from .launch import launch


def main(argv: list[str] | None = None) -> int:
    """Run the script with its own ``launch()`` suppressed, then serve its app like ``launch()``."""
    parser = argparse.ArgumentParser(
        prog="python -m blocksstate",
        description="Serve the gr.Blocks app of a Gradio-style script at http://HOST:PORT/.",
    )
    parser.add_argument(
        "script", help="path of a script that builds a gr.Blocks (its launch() call is skipped)"
    )
    parser.add_argument(
        "--host",
        default=None,
        help="interface (default: $BLOCKSSTATE_SERVER_NAME, $GRADIO_SERVER_NAME or 127.0.0.1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="port (default: $BLOCKSSTATE_SERVER_PORT, $GRADIO_SERVER_PORT, else 7860 or above)",
    )
    args = parser.parse_args(argv)

    from .launch.script import ScriptError, load_script

    try:
        blocks = load_script(args.script)
    except ScriptError as exc:
        parser.error(str(exc))
    try:
        launch(blocks, server_name=args.host, server_port=args.port)
    except OSError as exc:
        print(f"blocksstate: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
