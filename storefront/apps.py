from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "MARQUE"

    def ready(self):
        # Connects the receiver that logs admin sign-in lock-outs.
        from storefront import admin_lockout, permission_cache  # noqa: F401

        permission_cache.connect()
        from storefront.background import queue_depth, task_backlog
        from storefront.health import register_check
        from storefront.metrics import register_gauge

        register_check("task_backlog", backlog_check)
        register_gauge(
            "marque_task_queue_depth", "Tasks due and not started, every queue.", lambda: sum(queue_depth().values())
        )
        register_gauge(
            "marque_task_waiting_too_long",
            "Tasks due for longer than TASK_BACKLOG_SECONDS: alert when above 0 (the worker is behind or down).",
            lambda: task_backlog().waiting_too_long,
        )
        register_gauge(
            "marque_tasks_failed_recently", "Tasks failed in the last 24 hours.", lambda: task_backlog().failed
        )


def backlog_check():
    """The task queue for /readyz. Reported, never failing: a worker that falls behind is no reason to
    take app servers out of the balancer (the gauges above are what an alert watches)."""
    from django.db import DatabaseError

    from storefront.background import task_backlog

    try:
        backlog = task_backlog()
    except DatabaseError:
        return {"unknown": "the database does not answer"}  # the database check says so
    return {"queued": backlog.queued, "waiting_too_long": backlog.waiting_too_long, "failed": backlog.failed}
