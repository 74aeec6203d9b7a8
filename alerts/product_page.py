"""What the product page's buy box shows of a signed-in shopper's own back-in-stock alerts."""

from django.utils.translation import gettext

from alerts.models import StockAlert
from alerts.templatetags.alerts import sold_out_variants
from catalog.product_page import register_buy_box_context


def waiting_alerts(request, choice):
    """The buy box's stock alert for a shopper already waiting for some of the sold-out variants it
    offers: when they wait for every one, `alert_waiting` (each with its label; the box names them
    all and offers to stop any); else the others as `variants` to ask about, with a line naming
    those they wait for. Nothing for everyone else, and no query for a box without a sold-out
    variant or for a visitor: their box is everyone's (`catalog.fragments.render_buy_box`)."""
    if not request.user.is_authenticated:
        return {}
    variants = sold_out_variants(choice)
    if not variants:
        return {}
    offered = [sku.pk for sku, _label in variants]
    waiting = set(
        StockAlert.objects.owned_by(request.user).pending().filter(sku_id__in=offered).values_list("sku_id", flat=True)
    )
    if not waiting:
        return {}
    asked = [(sku, label) for sku, label in variants if sku.pk in waiting]
    others = [(sku, label) for sku, label in variants if sku.pk not in waiting]
    said = waiting_for([label for _sku, label in asked])
    if not others:
        return {"alert_sku": asked[0][0], "alert_waiting": asked, "alert_said": said}
    return {"variants": others, "alert_notice": said}


def waiting_for(labels):
    """What the box says of the variants a shopper waits for (`labels`: one or more)."""
    if len(labels) == 1:
        return gettext("We will text you when %(variant)s is back in stock.") % {"variant": labels[0]}
    return gettext("We will text you as each of these is back in stock: %(variants)s.") % {
        "variants": ", ".join(labels)
    }


register_buy_box_context(waiting_alerts)
