"""What the product page's buy box shows of a signed-in shopper's own back-in-stock alerts."""

from django.utils.translation import gettext

from alerts.models import StockAlert
from alerts.templatetags.alerts import sold_out_variants
from catalog.product_page import register_buy_box_context


def waiting_alerts(request, choice):
    """The buy box's stock alert for a shopper already waiting for some of the sold-out variants it
    offers: when they wait for every one, the first as `alert_sku` (the box says it will text them
    and offers to stop); else the others as `variants` to ask about, with a line naming those they
    wait for. Nothing for everyone else, and no query for a box without a sold-out variant or for a
    visitor: their box is everyone's (`catalog.fragments.render_buy_box`)."""
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
    if not others:
        sku, label = asked[0]
        return {"alert_sku": sku, "alert_label": label}
    waited_for = ", ".join(label for _sku, label in asked)
    notice = gettext("We will text you when %(variant)s is back in stock.") % {"variant": waited_for}
    return {"variants": others, "alert_notice": notice}


register_buy_box_context(waiting_alerts)
