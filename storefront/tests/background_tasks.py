"""Tasks the background tests queue: they record their calls, one fails a given number of times."""

from django.tasks import TaskContext, task

from storefront.background import Backoff, RetryLater, with_retries

calls: list[str] = []
FLAKY_BACKOFF = Backoff(attempts=3, first_seconds=2)


@task
def record(value: str) -> str:
    calls.append(value)
    return value


@task(takes_context=True)
def flaky(context: TaskContext, label: str, failures: int, attempt: int = 1) -> str | None:
    """Fails with RetryLater on its first `failures` tries."""

    def work():
        calls.append(label)
        if attempt <= failures:
            raise RetryLater(f"{label} failed on try {attempt}")
        return label

    return with_retries(context, work, attempt=attempt, backoff=FLAKY_BACKOFF)
