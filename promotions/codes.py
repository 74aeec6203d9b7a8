"""Discount codes: finding one, checking it against a cart, and using it up atomically.

The checks run twice: when a shopper applies a code to their cart (so the cart shows the discount
or says plainly why not) and again inside the order's transaction, where the order is placed only
if `claim_use` takes one of the code's remaining uses with a conditional UPDATE. Two shoppers
racing for the last use: PostgreSQL re-checks the condition on the row the first one updated, so
exactly one gets it and the other a clear message. Cancelling the order gives the use back
(`release_use`).

Shopper-specific rules (first order only, uses per shopper) need the shopper's orders, which live
above this app: the caller counts them and passes the numbers (None when there is no shopper yet,
as for a visitor's cart; those rules are then checked at checkout).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from promotions.models import DiscountCode, normalize_code
from storefront.errors import Refused
from storefront.markets import MarketConfig, is_sold_in
from storefront.money import format_money, quantize

ZERO = Decimal("0")


class CodeRefused(Refused):
    """A discount code that cannot be used here and now; `message` says why."""

    code = "discount_code_refused"


@dataclass(frozen=True)
class CodeOffer:
    """What a checked code takes off an order: a share of the goods, an amount, or the delivery."""

    code: str
    code_id: int
    kind: str
    percent: int | None = None
    amount: Decimal | None = None

    @property
    def free_shipping(self) -> bool:
        return self.kind == DiscountCode.Kind.FREE_SHIPPING

    def goods_off(self, subtotal: Decimal) -> Decimal:
        """The amount off the goods (never more than they cost)."""
        if self.kind == DiscountCode.Kind.PERCENT:
            return min(subtotal, quantize(subtotal * self.percent / 100))
        if self.kind == DiscountCode.Kind.AMOUNT:
            return min(subtotal, quantize(self.amount))
        return ZERO


def find_code(text, market: MarketConfig) -> DiscountCode:
    """The code the shopper typed, if it exists for `market`; CodeRefused otherwise."""
    typed = normalize_code(text)
    if not typed:
        raise CodeRefused(_("Enter a discount code."), code="discount_code_missing")
    code = DiscountCode.objects.for_market(market).matching(typed).filter(is_active=True).first()
    if code is None:
        raise CodeRefused(_("%(code)s is not a discount code we know.") % {"code": typed}, code="discount_code_unknown")
    return code


def check_code(
    code: DiscountCode,
    *,
    market: MarketConfig,
    subtotal: Decimal,
    orders_before: int | None = None,
    uses_by_shopper: int | None = None,
    now=None,
) -> CodeOffer:
    """The offer `code` makes on an order of `subtotal` in `market`; CodeRefused with the reason."""
    now = now or timezone.now()
    name = {"code": code.code}
    if not code.is_active or not is_sold_in(code.market, market):
        raise CodeRefused(_("%(code)s is not a discount code we know.") % name, code="discount_code_unknown")
    if code.starts_at and now < code.starts_at:
        raise CodeRefused(_("%(code)s cannot be used yet.") % name, code="discount_code_not_started")
    if code.ends_at and now >= code.ends_at:
        raise CodeRefused(_("%(code)s has expired.") % name, code="discount_code_expired")
    if code.usage_limit is not None and code.times_used >= code.usage_limit:
        raise CodeRefused(
            _("%(code)s has been used as many times as it can be.") % name, code="discount_code_limit_reached"
        )
    minimum = code.minimum(market.currency)
    if minimum and subtotal < minimum:
        raise CodeRefused(
            _("%(code)s needs an order of at least %(minimum)s.")
            % {**name, "minimum": format_money(minimum, market.currency)},
            code="discount_code_minimum",
        )
    if code.first_order_only and orders_before:
        raise CodeRefused(_("%(code)s is for a first order only.") % name, code="discount_code_first_order")
    if code.per_shopper_limit is not None and uses_by_shopper is not None and uses_by_shopper >= code.per_shopper_limit:
        raise CodeRefused(_("You have already used %(code)s.") % name, code="discount_code_already_used")
    amount = code.amount_off(market.currency) if code.kind == DiscountCode.Kind.AMOUNT else None
    if code.kind == DiscountCode.Kind.AMOUNT and not amount:
        raise CodeRefused(_("%(code)s is not a discount code we know.") % name, code="discount_code_unknown")
    return CodeOffer(code=code.code, code_id=code.pk, kind=code.kind, percent=code.percent, amount=amount)


def claim_use(code_id: int) -> None:
    """Take one use of the code, atomically; CodeRefused when none is left (call inside the order's
    transaction, so a failed order gives it back)."""
    has_uses_left = Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit"))
    taken = DiscountCode.objects.filter(has_uses_left, pk=code_id).update(times_used=F("times_used") + 1)
    if not taken:
        code = DiscountCode.objects.filter(pk=code_id).values_list("code", flat=True).first() or ""
        raise CodeRefused(
            _("Sorry, %(code)s has just been used up. Remove it to place your order.") % {"code": code},
            code="discount_code_limit_reached",
        )


def release_use(code_id: int) -> None:
    """Give back one use of the code (an order with it was cancelled)."""
    DiscountCode.objects.filter(pk=code_id, times_used__gt=0).update(times_used=F("times_used") - 1)
