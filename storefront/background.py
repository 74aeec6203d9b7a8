"""Background work through Django's tasks framework: queueing, retries, one run at a time, the backlog.

Services never import their app's `tasks` module: tasks import services, and a service asks for a
task by name once its transaction commits. A rolled-back change therefore queues nothing, and a
queue that cannot take the task is logged, never raised: the change that asked for it stands.

In production the tasks are rows of the database backend (`django_tasks_db`) that
`manage.py db_worker` runs, and `manage.py crontask` queues the periodic jobs (the `@cron` tasks in
each app's `tasks.py`); docs/architecture.md, "Background work", tells the whole story.

- `RetryLater` and `with_retries`: a task whose outside call failed in a way another try may fix
  queues itself again later, with exponential backoff, until its attempts run out; then it fails
  and staff see it under "Task results" in the admin.
- `exclusive(name)`: a job that must not run twice at once takes a PostgreSQL advisory lock; the
  second run finds it taken and does nothing.
- `task_backlog()` and `queue_depth()`: what is waiting, for health checks and metrics.
"""

import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.tasks import TaskContext, TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue_after_commit(task_path: str, *args, on_failure: Callable[[], None] | None = None) -> None:
    """Queue the task at `task_path` (such as `"checkout.tasks.refund_order_payment"`) with `args`
    once the current transaction commits; `on_failure` runs when the queue refuses it."""

    def enqueue():
        try:
            import_string(task_path).enqueue(*args)
        except Exception:
            logger.exception("Could not queue %s%r", task_path, args)
            if on_failure is not None:
                on_failure()

    transaction.on_commit(enqueue)


# --- retries ----------------------------------------------------------------------------------------


class RetryLater(Exception):
    """An outside call failed in a way another try may fix, and nothing was done yet (no text
    sent, no money moved), so the task may safely run again."""


@dataclass(frozen=True)
class Backoff:
    """How often a task is tried and how long it waits between tries: `first_seconds`, then twice
    as long each time (a random tenth more or less, so failed tasks do not all come back at once)."""

    attempts: int
    first_seconds: float

    def delay(self, attempt: int) -> timedelta:
        seconds = self.first_seconds * 2 ** (attempt - 1)
        return timedelta(seconds=seconds * random.uniform(0.9, 1.1))  # noqa: S311 - jitter, not a secret


def with_retries[T](context: TaskContext, work: Callable[[], T], *, attempt: int, backoff: Backoff) -> T | None:
    """Run `work()` for the task of `context`, its `attempt`-th try (the task's `attempt` argument).

    When `work` raises RetryLater the task is queued again with `attempt + 1`, to run after the
    backoff's delay, and this try ends quietly (None); the last try, or a backend that cannot
    defer a task (the immediate one of the tests), lets the error fail the task.
    """
    try:
        return work()
    except RetryLater as error:
        result = context.task_result
        task = result.task
        if attempt >= backoff.attempts or not task.get_backend().supports_defer:
            logger.error("%s failed on try %d of %d: %s", task.name, attempt, backoff.attempts, error)
            raise
        run_after = timezone.now() + backoff.delay(attempt)
        task.using(run_after=run_after).enqueue(*result.args, **{**result.kwargs, "attempt": attempt + 1})
        logger.warning("%s failed on try %d (%s); trying again at %s", task.name, attempt, error, run_after)
        return None


# --- one run at a time ------------------------------------------------------------------------------------


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Yield True while this connection holds the lock called `name`, False when another holds it.

    A PostgreSQL session advisory lock: it spans the job's own transactions, and a worker that dies
    gives it back with its connection. Other databases (SQLite in development) have one writer at a
    time anyway, and always get True.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [name])
        (held,) = cursor.fetchone()
    if not held:
        logger.info("%s is already running elsewhere; this run does nothing", name)
        yield False
        return
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [name])


@dataclass(frozen=True)
class Stalled:
    """Work whose task used up its tries while an outside service was away: `pending(made_before,
    made_after)` is a queryset of what still waits, made in that window (its primary keys are the
    task's one argument). Past `stalled_after` it is queued again, until `give_up_after`, when
    `log` says `given_up` once, for staff (a format of its `named_by` field)."""

    lock: str
    task_path: str
    pending: Callable
    log: logging.Logger
    given_up: str
    named_by: str = "pk"
    stalled_after: timedelta = timedelta(hours=1)
    give_up_after: timedelta = timedelta(days=3)

    def stalled(self, *, now=None):
        now = now or timezone.now()
        return self.pending(made_before=now - self.stalled_after, made_after=now - self.give_up_after)

    def retry(self, *, every: timedelta = timedelta(hours=1)) -> int:
        """Queue the stalled work again, under the advisory lock (a second run meanwhile does
        nothing); how many. What passed `give_up_after` within the last `every` (how often this
        runs) is logged, once each."""
        with exclusive(self.lock) as ours:
            if not ours:
                return 0
            now = timezone.now()
            keys = list(self.stalled(now=now).order_by("pk").values_list("pk", flat=True))
            with transaction.atomic():
                for key in keys:
                    enqueue_after_commit(self.task_path, key)
            given_up = now - self.give_up_after
            left = self.pending(made_before=given_up, made_after=given_up - every).order_by("pk")
            for name in left.values_list(self.named_by, flat=True):
                self.log.error(self.given_up, name)
        return len(keys)


# --- the backlog ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskBacklog:
    """The queue at a glance. `queued`: tasks due to run and not started; `waiting_too_long`: those
    of them due for more than the threshold (`TASK_BACKLOG_SECONDS`); `running`; `failed`: tasks
    that failed in the last 24 hours (each one is in the admin, under "Task results")."""

    queued: int
    waiting_too_long: int
    running: int
    failed: int
    threshold_seconds: int

    @property
    def healthy(self) -> bool:
        """No task has waited longer than the threshold: the worker keeps up."""
        return self.waiting_too_long == 0


def task_backlog(*, older_than: int | None = None) -> TaskBacklog:
    """The queue of the database backend in one query; all zeros when tasks run in-process.

    `older_than` (seconds, default `TASK_BACKLOG_SECONDS`) is how long a due task may wait before it
    counts in `waiting_too_long`, the number a readiness check compares with 0. A task deferred to
    later (a retry's backoff) counts from the moment it is due, not from when it was queued.
    """
    from django_tasks_db.models import DBTaskResult, get_date_max

    threshold = settings.TASK_BACKLOG_SECONDS if older_than is None else older_than
    now = timezone.now()
    cutoff = now - timedelta(seconds=threshold)
    not_deferred = Q(run_after=get_date_max())
    due = not_deferred | Q(run_after__lte=now)
    due_since_cutoff = (not_deferred & Q(enqueued_at__lte=cutoff)) | Q(run_after__lte=cutoff)
    ready = Q(status=TaskResultStatus.READY)
    counts = DBTaskResult.objects.aggregate(
        queued=Count("pk", filter=ready & due),
        waiting_too_long=Count("pk", filter=ready & due_since_cutoff),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1))),
    )
    return TaskBacklog(**counts, threshold_seconds=threshold)


def queue_depth() -> dict[str, int]:
    """{queue name: tasks due and not started}, for a gauge such as Prometheus's (one label per queue)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.ready().order_by().values("queue_name").annotate(depth=Count("pk"))
    return {row["queue_name"]: row["depth"] for row in rows}
