"""The two-worker scenarios every Redis topology runs (plain, Cluster, Sentinel).

A test module imports them with ``from tests.multiworker.scenarios import *`` and defines
its own ``workers`` fixture: pytest collects the imported tests as the module's own, so
they run against that module's workers.
"""

from tests.test_multiworker import (
    test_a_global_change_is_pushed_to_sessions_on_the_other_worker,
    test_events_resent_at_the_other_worker_after_a_resume_run_once,
    test_global_increments_from_both_workers_are_atomic,
    test_one_session_sends_events_alternately_through_both_workers,
)

__all__ = [
    "test_a_global_change_is_pushed_to_sessions_on_the_other_worker",
    "test_events_resent_at_the_other_worker_after_a_resume_run_once",
    "test_global_increments_from_both_workers_are_atomic",
    "test_one_session_sends_events_alternately_through_both_workers",
]
