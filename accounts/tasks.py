"""Background work of the accounts app (Django's tasks framework)."""

from django.tasks import TaskContext, task

from accounts import codes
from storefront.background import Backoff, RetryLater, with_retries

# A code lives for minutes: three tries, 5 and 10 seconds apart (a code that expired meanwhile is not sent).
CODE_BACKOFF = Backoff(attempts=3, first_seconds=5)


@task(takes_context=True)
def send_verification_code(context: TaskContext, verification_id: int, attempt: int = 1) -> bool | None:
    """Text the code of one VerificationCode row (its code is drawn here, never queued).

    Tried again when the provider surely did not take the text; never texted twice for one row.
    """
    try:
        return with_retries(
            context, lambda: codes.deliver_code(verification_id=verification_id), attempt=attempt, backoff=CODE_BACKOFF
        )
    except RetryLater:
        codes.mark_send_failed(verification_id)
        raise
