"""Ratios of interleaved runs, and the tables built on them: the floor and Redis scaling.

``run.py`` runs the server sets of one app round after round, each set once a round
(A B A B ...), so a round's runs of two sets met the same moment of this shared
machine. A ratio is therefore taken round by round (this round's A over this round's
B) and the table shows the median of those ratios with their min and max, not a ratio
of two medians that may come from different minutes.
"""

from __future__ import annotations

import statistics
from typing import Any

Key = tuple[str, str]  # (target, mode) of a server set
EMBEDDED, REDIS = ("ours", "embedded"), ("ours", "redis")
CHANNELS_ECHO, WEBSOCKETS_ECHO = ("floor", "channels"), ("floor", "websockets")
SCALING_WORKERS = (1, 2, 4)


def at(sessions: int) -> str:
    return f"{sessions} session{'' if sessions == 1 else 's'}"


def scaling_mode(workers: int) -> str:
    return f"redis-{workers}w"


def fmt_num(value: float) -> str:
    if value != value:  # nan
        return "n/a"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def spread(values: list[float]) -> str:
    """Median, and (min–max) when there are several values."""
    if not values:
        return "-"
    text = fmt_num(statistics.median(values))
    if len(values) > 1:
        text += f" ({fmt_num(min(values))}–{fmt_num(max(values))})"
    return text


def total_cpu_ms(record: dict[str, Any]) -> float:
    """CPU per event of the whole server side: the workers, and redis-server when there is one."""
    return record["cpu_ms"] + (record.get("redis_cpu_ms") or 0.0)


class Rounds:
    """The valid runs of one app, by server set, session count and round."""

    def __init__(self, records: list[dict[str, Any]], app: str) -> None:
        self.by: dict[tuple[Key, int], dict[int, dict[str, Any]]] = {}
        for r in records:
            if r["app"] == app and r["ok"] and r.get("run") is not None:
                self.by.setdefault(((r["target"], r["mode"]), r["sessions"]), {})[r["run"]] = r

    def sessions(self, key: Key) -> list[int]:
        return sorted(s for k, s in self.by if k == key)

    def values(self, key: Key, sessions: int, metric: Any) -> list[float]:
        return [metric(r) for r in self.by.get((key, sessions), {}).values()]

    def ratios(self, num: Key, den: Key, sessions: int, metric: Any) -> list[float]:
        """``metric(num) / metric(den)`` in each round where both ran."""
        a, b = self.by.get((num, sessions), {}), self.by.get((den, sessions), {})
        return [metric(a[run]) / metric(b[run]) for run in sorted(a.keys() & b.keys())]


def cpu_ms(record: dict[str, Any]) -> float:
    return record["cpu_ms"]


def floor_table(records: list[dict[str, Any]]) -> list[str]:
    """The counter's CPU per event next to the bare echoes', and the ratios round by round."""
    rounds = Rounds(records, "counter")
    levels = rounds.sessions(CHANNELS_ECHO)
    if not levels:
        return []
    has_redis = bool(rounds.sessions(REDIS))
    head = "| sessions | bare websockets echo | bare Channels echo | blocksstate embedded | embedded ÷ Channels echo |"
    rule = "|---:|---|---|---|---|"
    if has_redis:
        head += " blocksstate Redis (2 workers + redis-server) | Redis ÷ Channels echo | Redis ÷ embedded |"
        rule += "---|---|---|"
    lines = [
        "### Floor: CPU per event against the bare echoes (counter)",
        "",
        "The same client, the same load, the same pinning, round by round (A B A B ...). "
        "The bare Channels echo is an `AsyncWebsocketConsumer` on the same daphne behind the "
        "same `AuthMiddlewareStack`, answering each event with the counter's two frames "
        "(`update`, `done`) in two messages, as issue 20 defines it (blocksstate sends them in "
        'one: docs/protocol.md, "One message per moment"); the bare `websockets` echo does the '
        "same without Django, Channels "
        "or daphne. CPU ms per event: median (min–max) of the rounds; a ratio is the median of "
        "the rounds' ratios. Redis: the two workers' CPU plus redis-server's.",
        "",
        head,
        rule,
    ]
    for sessions in levels:
        row = [
            str(sessions),
            spread(rounds.values(WEBSOCKETS_ECHO, sessions, cpu_ms)),
            spread(rounds.values(CHANNELS_ECHO, sessions, cpu_ms)),
            spread(rounds.values(EMBEDDED, sessions, cpu_ms)),
            ratio_cell(rounds.ratios(EMBEDDED, CHANNELS_ECHO, sessions, cpu_ms)),
        ]
        if has_redis:
            row += [
                spread(rounds.values(REDIS, sessions, total_cpu_ms)),
                ratio_cell(rounds.ratios(REDIS, CHANNELS_ECHO, sessions, total_cpu_ms)),
                ratio_cell(rounds.ratios(REDIS, EMBEDDED, sessions, total_cpu_ms)),
            ]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    return lines


def scaling_table(records: list[dict[str, Any]]) -> list[str]:
    """Events/s and CPU per event with 1, 2 and 4 workers on one Redis, round by round."""
    rounds = Rounds(records, "counter")
    keys = [("ours", scaling_mode(n)) for n in SCALING_WORKERS]
    levels = sorted({s for key in keys for s in rounds.sessions(key)})
    if not levels:
        return []
    lines = [
        "### Redis: scaling out on one Redis (counter)",
        "",
        "1, 2 and 4 daphne workers on one redis-server, all on the server core, the sessions "
        "spread over the workers in turn; the sets run round by round (A B C A B C ...). "
        "On this 2-core machine the point is the CPU per event staying flat as workers "
        "are added, not the throughput (one core serves them all). Ratios: to 1 worker, "
        "the median of the rounds' ratios.",
        "",
        "| sessions | workers | events/s | CPU ms/event: workers | redis-server | total | total ÷ 1 worker |",
        "|---:|---:|---|---|---|---|---|",
    ]
    for sessions in levels:
        for workers, key in zip(SCALING_WORKERS, keys, strict=True):
            if not rounds.values(key, sessions, cpu_ms):
                continue
            lines.append(
                f"| {sessions} | {workers} | {spread(rounds.values(key, sessions, lambda r: r['eps']))} "
                f"| {spread(rounds.values(key, sessions, cpu_ms))} "
                f"| {spread(rounds.values(key, sessions, lambda r: r.get('redis_cpu_ms') or 0.0))} "
                f"| {spread(rounds.values(key, sessions, total_cpu_ms))} "
                f"| {ratio_cell(rounds.ratios(key, keys[0], sessions, total_cpu_ms))} |"
            )
    lines.append("")
    return lines


def ratio_cell(values: list[float]) -> str:
    if not values:
        return "-"
    text = f"{statistics.median(values):.2f}×"
    if len(values) > 1:
        text += f" ({min(values):.2f}–{max(values):.2f})"
    return text


def targets(records: list[dict[str, Any]]) -> list[str]:
    """Issue 20's targets that these tables measure, where the run measured them."""
    rounds = Rounds(records, "counter")
    rows = []

    def add(name: str, values: list[float], limit: float) -> None:
        if values:
            met = statistics.median(values) <= limit
            rows.append(f"| {name} | {ratio_cell(values)} | {'yes' if met else 'no'} |")

    for sessions in rounds.sessions(CHANNELS_ECHO):
        add(
            f"embedded CPU per event ≤ 1.2× the bare Channels echo, {at(sessions)}",
            rounds.ratios(EMBEDDED, CHANNELS_ECHO, sessions, cpu_ms),
            1.2,
        )
    for sessions in rounds.sessions(REDIS):
        add(
            f"Redis (2 workers + redis-server) CPU per event ≤ 1.5× embedded, {at(sessions)}",
            rounds.ratios(REDIS, EMBEDDED, sessions, total_cpu_ms),
            1.5,
        )
    p99 = rounds.values(REDIS, 50, lambda r: r["p99"])
    if p99:
        met = statistics.median(p99) < 60
        rows.append(
            f"| Redis, 2 workers, 50 sessions: p99 < 60 ms | {spread(p99)} ms | {'yes' if met else 'no'} |"
        )
    top = ("ours", scaling_mode(SCALING_WORKERS[-1]))
    for sessions in rounds.sessions(top):
        add(
            f"CPU per event flat as Redis workers are added ({SCALING_WORKERS[-1]} workers ÷ 1 ≤ 1.2×), {at(sessions)}",
            rounds.ratios(top, ("ours", scaling_mode(1)), sessions, total_cpu_ms),
            1.2,
        )
    if not rows:
        return []
    return ["### Targets (issue 20)", "", "| target | measured | met |", "|---|---|---|", *rows, ""]
