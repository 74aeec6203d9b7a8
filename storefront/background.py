"""Queueing background work (Django's tasks framework) from services, by the task's dotted name.

Services never import their app's `tasks` module: tasks import services, and a service asks for a
task by name once its transaction commits. A rolled-back change therefore queues nothing, and a
queue that cannot take the task is logged, never raised: the change that asked for it stands.
"""

import logging
from collections.abc import Callable

from django.db import transaction
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
