"""Background work of shipments (Django's tasks framework): the SMS about a later parcel."""

from django.tasks import TaskContext, task

from checkout.notify import takes_sms
from checkout.tasks import TEXT_BACKOFF, text_customer
from shipments.models import Parcel
from shipments.notify import parcel_text_in_language
from storefront.background import with_retries


def _text_parcel_update(parcel_id: int) -> bool:
    parcel = Parcel.objects.select_related("order__user").filter(pk=parcel_id).first()
    # A later parcel is a shipping update, as the order's "shipped" text is.
    if parcel is None or not takes_sms(parcel.order, "shipped"):
        return False
    return text_customer(parcel.order, parcel_text_in_language(parcel))


@task(takes_context=True)
def text_parcel_update(context: TaskContext, parcel_id: int, attempt: int = 1) -> bool | None:
    """Text the shopper that another parcel of their order has shipped, unless they chose not to
    get shipping updates by SMS; tried again only when the provider surely did not take the text."""
    return with_retries(context, lambda: _text_parcel_update(parcel_id), attempt=attempt, backoff=TEXT_BACKOFF)
