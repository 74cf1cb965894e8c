"""Two versions of the package side by side: ``profile_engine.py`` on each, alternated.

    python bench/ab_engine.py A=/path/to/old B=. [--rounds 5] [-- profile_engine options]
    python bench/ab_engine.py off=.:'{"INLINE_SHORT_HANDLERS": false}' on=. [...]

Each version is a package root (put first on ``sys.path``), optionally followed by
``:`` and settings for ``BENCH_BLOCKSSTATE`` (JSON). The versions run one after the
other, round after round (A B A B ...), so a slow minute of a shared machine weighs
on both; the figures are medians over the rounds, shown as ratios to the first version.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = {
    "CPU per event": re.compile(r"CPU per event, no timers, activity writes included: ([\d.]+)"),
    "latency (best loop median)": re.compile(r"\(best ([\d.]+) µs\)"),
}


def run(root: str, extra: str, options: list[str]) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=f"{os.path.abspath(root)}:{HERE}")
    env.pop("BENCH_DB", None)
    if extra:
        env["BENCH_BLOCKSSTATE"] = extra
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "profile_engine.py"), *options],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name: float(pattern.search(out).group(1)) for name, pattern in FIGURES.items()}  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="+", help="NAME=ROOT[:SETTINGS_JSON]")
    parser.add_argument("--rounds", type=int, default=5)
    args, options = parser.parse_known_args()
    options = [o for o in options if o != "--"] or ["--events", "1000", "--repeat", "3"]
    versions = []
    for spec in args.versions:
        name, _, rest = spec.partition("=")
        root, _, extra = rest.partition(":")
        versions.append((name, root, extra))
    figures: dict[str, dict[str, list[float]]] = {name: {} for name, _, _ in versions}
    for round_ in range(args.rounds):
        for name, root, extra in versions:
            for figure, value in run(root, extra, options).items():
                figures[name].setdefault(figure, []).append(value)
        print(f"round {round_ + 1}/{args.rounds} done", file=sys.stderr)
    first = versions[0][0]
    for figure in FIGURES:
        base = statistics.median(figures[first][figure])
        ratios = ", ".join(
            f"{name} {statistics.median(figures[name][figure]) / base:.2f}x"
            for name, _, _ in versions
        )
        print(f"{figure}: {ratios} (medians of {args.rounds} rounds, relative to {first})")


if __name__ == "__main__":
    main()
