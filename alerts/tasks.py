"""Background work of alerts: the back-in-stock SMS, queued by `alerts.services` after commit."""

from django.tasks import TaskContext, task

from alerts.models import StockAlert
from alerts.services import alert_texts
from storefront.background import Backoff, RetryLater, with_retries
from storefront.sms import SMSError, send_sms

TEXT_BACKOFF = Backoff(attempts=5, first_seconds=60)


def _text(alert_id: int) -> bool:
    alert = StockAlert.objects.select_related("user", "sku__product").filter(pk=alert_id).first()
    if alert is None:
        return False
    try:
        send_sms(phone=alert.user.phone, text=alert_texts(alert)[1], market=alert.user.market_config)
    except SMSError as error:
        if error.retryable:
            raise RetryLater(str(error)) from error
        return False
    return True


@task(takes_context=True)
def text_back_in_stock(context: TaskContext, alert_id: int, attempt: int = 1) -> bool | None:
    """Text the shopper that the SKU of their alert is back; tried again only when the text surely did not go out."""
    return with_retries(context, lambda: _text(alert_id), attempt=attempt, backoff=TEXT_BACKOFF)
