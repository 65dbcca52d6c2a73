"""The scheduler of periodic jobs: the schedule lives in `ScheduledJob` rows, the worker calls
`tick(now)` between tasks, each run is a `ScheduledJobRun` (docs/rules.md, "Scheduled jobs").

Adding a job is a registration, not an edit here: a task in its app's `tasks.py` and a row
(seeded by a data migration of kam.ops with `job_seed`, or added in the admin).
"""

from kam.ops.scheduler.schedule import next_slot
from kam.ops.scheduler.seed import job_seed
from kam.ops.scheduler.tick import tick

__all__ = ["job_seed", "next_slot", "tick"]
