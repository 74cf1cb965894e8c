"""Two small JSON views for the load generator: the apps' ids, and process statistics."""

import collections
import ctypes
import gc
import os
import tracemalloc

from django.http import JsonResponse

from blocksstate.app.registry import registered


def apps_json(request):
    """Component and dependency ids of every registered app (what the page config carries)."""
    apps = {}
    for name, blocks in registered().items():
        apps[name] = {
            "ws": f"/ws/blocks/{name}/",
            "components": {
                str(cid): {"type": type(c).__name__.lower(), "label": getattr(c, "label", None)}
                for cid, c in blocks.components.items()
            },
            "dependencies": [
                {
                    "id": dep.id,
                    "api_name": dep.api_name,
                    "client": bool(dep.client_triggers),
                    "triggers": [[getattr(b, "id", None), e] for b, e in dep.triggers],
                    "inputs": [c.id for c in dep.inputs],
                    "outputs": [c.id for c in dep.outputs],
                }
                for dep in blocks.dependencies
            ],
        }
    return JsonResponse({"pid": os.getpid(), "apps": apps})


def stats_json(request):
    """Objects this worker still holds: live connections and sessions (``?trim=1`` also malloc_trims)."""
    from blocksstate.sessions.lifecycle import grace_timers
    from blocksstate.sessions.session import Session
    from blocksstate.transport.connection import Connection

    gc.collect()
    counts = {"Connection": 0, "Session": 0, "cache backends": 0, "redis clients": 0}
    for obj in gc.get_objects():
        kind = type(obj)
        if kind is Connection:
            counts["Connection"] += 1
        elif kind is Session:
            counts["Session"] += 1
        elif kind.__name__ in ("RedisCache", "LocMemCache"):
            counts["cache backends"] += 1
        elif kind.__name__ == "Redis" and kind.__module__ == "redis.client":
            counts["redis clients"] += 1
    trimmed = False
    if request.GET.get("trim"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            trimmed = True
        except OSError:
            pass
    from benchsite import gcstats

    answer = {
        "gc": gcstats.report(reset=bool(request.GET.get("gcreset"))),
        "pid": os.getpid(),
        "objects": counts,
        "ending": len(grace_timers),
        "gc_objects": len(gc.get_objects()),
        "trimmed": trimmed,
    }
    # With BENCH_TRACEMALLOC=1 (settings start tracemalloc): ?tm=base keeps a snapshot,
    # ?tm=diff answers the lines that allocated most since then (for the memory analysis).
    if tracemalloc.is_tracing() and request.GET.get("tm") == "base":
        global _baseline
        _baseline = tracemalloc.take_snapshot()
    elif tracemalloc.is_tracing() and request.GET.get("tm") == "diff" and _baseline is not None:
        by = request.GET.get("by", "lineno")
        top = int(request.GET.get("top", "40"))
        if by == "owner":
            stats = tracemalloc.take_snapshot().compare_to(_baseline, "traceback")
            answer["tracemalloc"] = _by_owner(stats, top)
        else:
            stats = tracemalloc.take_snapshot().compare_to(_baseline, by)
            answer["tracemalloc"] = [
                {"where": str(s.traceback[0]), "size_diff": s.size_diff, "count_diff": s.count_diff}
                for s in stats[:top]
            ]
        answer["tracemalloc_total"] = sum(s.size_diff for s in stats)
    # ?types=base keeps the count of gc-tracked objects by type, ?types=diff answers the
    # types whose count grew most since then (per-object look of the memory analysis).
    if request.GET.get("types") == "base":
        global _type_baseline
        _type_baseline = _type_counts()
    elif request.GET.get("types") == "diff":
        grown = _type_counts()
        grown.subtract(_type_baseline)
        answer["types"] = grown.most_common(40)
    return JsonResponse(answer)


_baseline = None
_type_baseline = collections.Counter()


def _type_counts():
    return collections.Counter(
        f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects()
    )


def _by_owner(stats, top):
    """Group allocation differences by the innermost frame outside the standard library."""
    import sysconfig

    stdlib = sysconfig.get_paths()["stdlib"]
    owners = {}
    for stat in stats:
        frames = list(stat.traceback)  # most recent call last
        owner = str(frames[-1]) if frames else "?"
        for frame in reversed(frames):
            if not frame.filename.startswith(stdlib):
                owner = f"{frame.filename}:{frame.lineno}"
                break
        entry = owners.setdefault(owner, [0, 0])
        entry[0] += stat.size_diff
        entry[1] += stat.count_diff
    ranked = sorted(owners.items(), key=lambda kv: -kv[1][0])
    return [
        {"where": where, "size_diff": size, "count_diff": count}
        for where, (size, count) in ranked[:top]
    ]
