"""A plain Python process (a task worker, say) that adds to the tally: ``python -m
tests.multiworker.incr_process <n> <threads>``, with the workers' settings and Redis.

It declares the GlobalState itself (same key, same default), as a worker that does not
load the site's apps would; prints the number of increments done.
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.multiworker.settings")

import django  # noqa: E402

django.setup()

import blocksstate as gr  # noqa: E402
from tests.multiworker.tally_app import KEY  # noqa: E402


def main() -> None:
    n, threads = int(sys.argv[1]), int(sys.argv[2])
    tally = gr.GlobalState(0, key=KEY)
    with ThreadPoolExecutor(threads) as pool:
        done = list(pool.map(lambda _: tally.incr(1), range(n)))
    print(len(done))


if __name__ == "__main__":
    main()
