"""Back-in-stock alerts: asking for one, dropping it, and telling everyone waiting once units return.

A shopper asks about a SKU that is sold out; one alert per shopper and SKU (asking twice keeps the
one). When the SKU has units on sale again (`catalog.stock.units_returned`: a save in the admin, a
spreadsheet import, a cancelled order's units), each waiting alert is claimed once, in the same
transaction as the stock change: an in-app notification is written and an SMS queued after commit.
The alert is then marked told, not deleted, so a second restock tells nobody again.
"""

from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.services import in_language_of
from alerts.models import StockAlert
from catalog.models import SKU, Product
from storefront.background import enqueue_after_commit
from storefront.content import translated
from storefront.errors import Refused
from storefront.market_urls import market_reverse

# Told alerts the account page still lists, newest first: what came back lately.
TOLD_SHOWN = 10


class AlertRefused(Refused):
    code = "alert_refused"


def alertable_skus(market):
    """SKUs a shopper of `market` may ask about: active, of a product on sale in their market."""
    products = Product.objects.active().for_market(market)
    return SKU.objects.active().filter(product__in=products).select_related("product")


def add_alert(*, user, sku: SKU) -> StockAlert:
    """The user's waiting alert for `sku` (new, or renewed after a restock); refused while it is in stock."""
    if sku.stock > 0:
        raise AlertRefused(_("This size is in stock: add it to your cart."), code="sku_in_stock")
    with transaction.atomic():
        alert, created = StockAlert.objects.get_or_create(user=user, sku=sku)
        if not created and not alert.is_pending:
            alert.notified_at = None
            alert.created_at = timezone.now()
            alert.save(update_fields=["notified_at", "created_at"])
    return alert


def shoppers_alerts(user, *, told_shown=TOLD_SHOWN):
    """(the user's waiting alerts, newest first; their latest `told_shown` told ones), with each
    alert's SKU and product."""
    own = StockAlert.objects.owned_by(user).select_related("sku__product")
    return list(own.pending()), list(own.exclude(notified_at=None).order_by("-notified_at", "-pk")[:told_shown])


def stop_alert(*, user, alert_id: int) -> StockAlert | None:
    """Drop the user's waiting alert `alert_id` (another shopper's or a told one is not theirs to
    stop); the alert as it was, or None when there was none."""
    waiting = StockAlert.objects.owned_by(user).pending().filter(pk=alert_id)
    alert = waiting.select_related("sku__product").first()
    if alert is None or not waiting.delete()[0]:
        return None  # none, or told by a restock in between
    return alert


def remove_alert(*, user, sku_id: int) -> bool:
    """Drop the user's waiting alert for `sku_id`; False when there was none."""
    deleted, _rows = StockAlert.objects.owned_by(user).pending().filter(sku_id=sku_id).delete()
    return bool(deleted)


def _texts(sku):
    name = translated(sku.product, "name")
    size = translated(sku, "size") if sku.size else ""
    what = f"{name} ({size})" if size else name
    return (
        _("Back in stock: %(product)s") % {"product": what},
        _("%(product)s is back in stock at MARQUE. Get it before it sells out again.") % {"product": what},
    )


def _variant_link(link, sku):
    """The product page with the alert's size and color picked."""
    picked = {field: getattr(sku, field) for field in ("size", "color") if getattr(sku, field)}
    return f"{link}?{urlencode(picked)}" if picked else link


def alert_link(alert, market):
    """The alert's product page in `market`, its size and color picked."""
    link = market_reverse("catalog:product_detail", market, kwargs={"slug": alert.sku.product.slug})
    return _variant_link(link, alert.sku)


def alert_texts(alert):
    """(title, message) for `alert`, in its shopper's language."""
    return in_language_of(alert.user, lambda: _texts(alert.sku))


def tell_waiting_shoppers(*, sku_ids) -> int:
    """Claim every waiting alert of `sku_ids` whose SKU has units on sale, notify each shopper once; how many."""
    with transaction.atomic():
        # Claimed with the row locks of this transaction: a restock running at the same time skips them.
        due = (
            StockAlert.objects.due(sku_ids)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "sku__product")
        )
        alerts = list(due)
        if not alerts:
            return 0
        StockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(notified_at=timezone.now())
        for alert in alerts:
            title, message = alert_texts(alert)
            Notification.objects.create(
                user=alert.user,
                type=Notification.Type.SYSTEM,
                title=title,
                message=message,
                link_url=alert_link(alert, alert.user.market_config),
            )
            enqueue_after_commit("alerts.tasks.text_back_in_stock", alert.pk)
    return len(alerts)


def units_returned(sender, sku_ids, **kwargs):
    """The `catalog.stock.units_returned` receiver."""
    tell_waiting_shoppers(sku_ids=sku_ids)
