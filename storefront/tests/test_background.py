"""The task worker and scheduler: tasks queued in the database and run by `db_worker`, retries with
backoff, one run at a time, the backlog a readiness check reads, and the scheduled jobs."""

from datetime import timedelta

import pytest
from crontask import scheduler
from django.core.management import call_command
from django.db import connection, transaction
from django.tasks import TaskResultStatus, task_backends
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from storefront import background
from storefront.background import Backoff, exclusive, queue_depth, task_backlog
from storefront.tests import background_tasks
from storefront.tests.concurrency import run_at_once

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    """Tasks queued as rows for the worker, as in production."""
    settings.TASKS = DATABASE_BACKEND
    background_tasks.calls.clear()
    yield
    background_tasks.calls.clear()


def run_worker():
    """The real worker command, until the queue is empty (tasks deferred to later stay queued)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_a_task_queued_after_commit(database_tasks):
    with transaction.atomic():
        background.enqueue_after_commit("storefront.tests.background_tasks.record", "hello")
        assert DBTaskResult.objects.count() == 0  # nothing is queued before the commit

    row = DBTaskResult.objects.get()
    assert (row.status, row.task_path) == (TaskResultStatus.READY, "storefront.tests.background_tasks.record")

    run_worker()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "hello"
    assert background_tasks.calls == ["hello"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_queues_nothing(database_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        background.enqueue_after_commit("storefront.tests.background_tasks.record", "never")
        raise RuntimeError

    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_outside_call_is_tried_again_later_then_fails_for_staff_to_see(database_tasks):
    background_tasks.flaky.enqueue("refund", failures=5)

    run_worker()  # first try fails: a second is queued for later
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == TaskResultStatus.SUCCESSFUL and first.return_value is None
    assert second.status == TaskResultStatus.READY
    assert second.args_kwargs["kwargs"] == {"failures": 5, "attempt": 2}
    wait = second.run_after - timezone.now()
    assert timedelta(seconds=0.5) < wait <= timedelta(seconds=1.1 * background_tasks.FLAKY_BACKOFF.first_seconds)

    for _ in range(background_tasks.FLAKY_BACKOFF.attempts - 1):
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
        run_worker()

    assert background_tasks.calls == ["refund"] * background_tasks.FLAKY_BACKOFF.attempts
    last = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert last.status == TaskResultStatus.FAILED
    assert last.exception_class_path == "storefront.background.RetryLater"
    assert DBTaskResult.objects.count() == background_tasks.FLAKY_BACKOFF.attempts
    assert task_backlog().failed == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_retry_that_succeeds_ends_the_retries(database_tasks):
    background_tasks.flaky.enqueue("text", failures=1)
    run_worker()
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_worker()

    assert background_tasks.calls == ["text", "text"]
    assert list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", "return_value")) == [
        (TaskResultStatus.SUCCESSFUL, None),
        (TaskResultStatus.SUCCESSFUL, "text"),
    ]


def test_backoff_doubles_with_a_little_jitter():
    backoff = Backoff(attempts=4, first_seconds=60)
    delays = [backoff.delay(attempt).total_seconds() for attempt in (1, 2, 3)]
    for delay, expected in zip(delays, (60, 120, 240), strict=True):
        assert expected * 0.9 <= delay <= expected * 1.1


def test_the_immediate_backend_runs_a_task_once_and_does_not_defer(db):
    # The tests' backend cannot defer a task: the first failure is final.
    background_tasks.calls.clear()
    result = background_tasks.flaky.enqueue("sms", failures=1)
    assert result.status == TaskResultStatus.FAILED
    assert background_tasks.calls == ["sms"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_backlog_counts_tasks_waiting_too_long_and_failures(database_tasks):
    now = timezone.now()
    old = background_tasks.record.enqueue("old")
    background_tasks.record.enqueue("new")
    background_tasks.record.using(run_after=now + timedelta(hours=1)).enqueue("later")
    background_tasks.record.using(run_after=now - timedelta(minutes=10)).enqueue("overdue")
    DBTaskResult.objects.filter(pk=old.id).update(enqueued_at=now - timedelta(minutes=10))
    failed = background_tasks.record.enqueue("failed")
    DBTaskResult.objects.filter(pk=failed.id).update(status=TaskResultStatus.FAILED, finished_at=now)

    backlog = task_backlog(older_than=60)

    assert (backlog.queued, backlog.waiting_too_long, backlog.running, backlog.failed) == (3, 2, 0, 1)
    assert not backlog.healthy
    assert queue_depth() == {"default": 3}
    assert task_backlog(older_than=3600).healthy


@pytest.mark.django_db
def test_the_backlog_is_empty_when_tasks_run_in_process():
    backlog = task_backlog()
    assert backlog.healthy and backlog.queued == backlog.failed == 0
    assert queue_depth() == {}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_exclusive_lets_one_of_two_simultaneous_runs_in():
    import threading

    inside = threading.Barrier(2)

    def job():
        with exclusive("test.job") as ours:
            if ours:
                # Hold the lock until the other run has tried.
                inside.wait(timeout=10)
                inside.wait(timeout=10)
            else:
                inside.wait(timeout=10)
                inside.wait(timeout=10)
            return ours

    assert sorted(run_at_once([job, job])) == [False, True]
    with exclusive("test.job") as ours:  # given back afterwards
        assert ours


def test_the_scheduler_queues_each_periodic_job_on_its_schedule():
    import checkout.tasks
    import dashboard.tasks
    import marketing.tasks
    import returns.tasks
    import reviews.tasks
    import storefront.tasks

    jobs = {job.name: job for job in scheduler.get_jobs()}
    expected = {
        checkout.tasks.expire_unpaid_orders: "*/1 * * * *",
        marketing.tasks.flush_banner_stats_task: "*/1 * * * *",
        dashboard.tasks.sweep_dashboard: "*/5 * * * *",
        returns.tasks.retry_stalled_card_refunds: "15 * * * *",
        checkout.tasks.retry_stalled_refunds: "25 * * * *",
        checkout.tasks.delete_abandoned_carts: "40 3 * * *",
        reviews.tasks.recompute_ratings: "20 2 * * *",
        storefront.tasks.prune_task_results: "50 3 * * *",
    }
    for job_task, schedule in expected.items():
        job = jobs[job_task.name]
        fields = {field.name: str(field) for field in job.trigger.fields}
        minute, hour = schedule.split()[:2]
        assert (fields["minute"], fields["hour"]) == (minute.replace("*/1", "*"), hour), job_task.name
        assert job.func == job_task.enqueue


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_task_results_are_pruned_failed_ones_kept_longer(database_tasks, settings):
    import storefront.tasks

    settings.TASK_RESULTS_KEEP_DAYS = 7
    now = timezone.now()
    names = ("done-old", "failed-old", "failed-older", "new")
    rows = {name: background_tasks.record.enqueue(name).id for name in names}
    DBTaskResult.objects.filter(pk=rows["done-old"]).update(status="SUCCESSFUL", finished_at=now - timedelta(days=8))
    DBTaskResult.objects.filter(pk=rows["failed-old"]).update(status="FAILED", finished_at=now - timedelta(days=8))
    DBTaskResult.objects.filter(pk=rows["failed-older"]).update(status="FAILED", finished_at=now - timedelta(days=15))

    storefront.tasks.prune_task_results.call()

    assert set(DBTaskResult.objects.values_list("args_kwargs__args__0", flat=True)) == {"failed-old", "new"}


@pytest.mark.django_db
def test_staff_see_failed_tasks_in_the_admin(admin_client, database_tasks):
    failed = background_tasks.record.enqueue("broken")
    DBTaskResult.objects.filter(pk=failed.id).update(status="FAILED", traceback="RetryLater: Stripe was down")

    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    listing = admin_client.get(changelist, {"status__exact": "FAILED"})
    detail = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.id]))

    assert listing.status_code == 200 and str(failed.id) in listing.text
    assert detail.status_code == 200 and "Stripe was down" in detail.text
    assert task_backends["default"].alias == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readiness_and_metrics_report_the_backlog_without_failing_on_it(database_tasks, client, settings):
    """A worker that falls behind shows in /readyz and in the gauges an alert watches; the app
    server stays in the balancer, since pages do not wait on tasks."""
    settings.METRICS_TOKEN = "a-scrape-token-0123456789"
    settings.METRICS_ALLOWED_IPS = []
    overdue = background_tasks.record.enqueue("overdue")
    DBTaskResult.objects.filter(pk=overdue.id).update(enqueued_at=timezone.now() - timedelta(hours=1))
    background_tasks.record.enqueue("new")

    ready = client.get("/readyz", HTTP_HOST="10.0.0.7:8001")
    scraped = client.get(
        "/metrics", HTTP_HOST="10.0.0.7:8001", HTTP_AUTHORIZATION="Bearer a-scrape-token-0123456789"
    ).content.decode()

    assert ready.status_code == 200
    assert ready.json()["checks"]["task_backlog"]["detail"] == {"queued": 2, "waiting_too_long": 1, "failed": 0}
    assert "marque_task_queue_depth 2.0" in scraped
    assert "marque_task_waiting_too_long 1.0" in scraped
