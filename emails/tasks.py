"""Background work of the emails app: order emails and verification links, sent by the task worker
once the change that asked for them commits (`storefront.background.enqueue_after_commit`)."""

from django.contrib.auth import get_user_model
from django.tasks import TaskContext, task

from emails import order_emails, return_emails, verification
from emails.events import STATUS_EVENTS
from storefront.background import Backoff, with_retries

# Five tries over about a quarter of an hour, as order texts.
EMAIL_BACKOFF = Backoff(attempts=5, first_seconds=60)


@task(takes_context=True)
def email_order_update(context: TaskContext, order_id: int, event: str, parcels=None, attempt: int = 1):
    """Email the shopper about `event` (an OrderEvent) of their order, once; `parcels` lists the
    shipped order's parcels with their tracking links, when the caller knows them."""
    return with_retries(
        context,
        lambda: order_emails.email_order_update(order_id=order_id, event=event, parcels=parcels or ()),
        attempt=attempt,
        backoff=EMAIL_BACKOFF,
    )


@task(takes_context=True)
def email_status_update(context: TaskContext, order_id: int, status: str, attempt: int = 1):
    """Email the shopper about their order reaching `status`, when that status has an email."""
    event = STATUS_EVENTS.get(status)
    if event is None:
        return False
    return with_retries(
        context,
        lambda: order_emails.email_order_update(order_id=order_id, event=event.value),
        attempt=attempt,
        backoff=EMAIL_BACKOFF,
    )


@task(takes_context=True)
def email_parcel_update(context: TaskContext, parcel_id: int, attempt: int = 1):
    """Email the shopper that another parcel of their order has shipped, once, with its tracking link."""
    return with_retries(
        context,
        lambda: order_emails.email_parcel_update(parcel_id=parcel_id),
        attempt=attempt,
        backoff=EMAIL_BACKOFF,
    )


@task(takes_context=True)
def email_return_update(context: TaskContext, return_id: int, status: str, attempt: int = 1):
    """Email the shopper that their return reached `status`, once."""
    return with_retries(
        context,
        lambda: return_emails.email_return_update(return_id=return_id, status=status),
        attempt=attempt,
        backoff=EMAIL_BACKOFF,
    )


@task(takes_context=True)
def send_verification_email(context: TaskContext, user_id: int, email: str, attempt: int = 1):
    """Send the link that verifies `email` for the user, while it is still their address."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return False
    return with_retries(
        context,
        lambda: verification.send_verification_email(user=user, email=email),
        attempt=attempt,
        backoff=EMAIL_BACKOFF,
    )
