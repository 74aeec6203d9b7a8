"""The carriers each market ships with, and where a shopper follows a parcel.

A carrier without a public tracking page (a local courier, Kyrgyz Express Post, "other") gets no
link: the shopper sees the tracking number alone.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from storefront.markets import Market


@dataclass(frozen=True)
class Carrier:
    code: str
    label: str | Promise
    tracking_url: str = ""  # with `{number}` where the tracking number goes

    def tracking_link(self, number: str) -> str:
        """The carrier's page for parcel `number`, or "" when there is none."""
        number = number.strip()
        if not (self.tracking_url and number):
            return ""
        return self.tracking_url.format(number=quote(number, safe=""))


OTHER = Carrier("other", _("Other carrier"))

CARRIERS = {
    carrier.code: carrier
    for carrier in (
        Carrier("usps", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
        Carrier("ups", "UPS", "https://www.ups.com/track?tracknum={number}"),
        Carrier("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
        Carrier("kep", _("Kyrgyz Express Post")),
        Carrier("courier", _("MARQUE courier")),
        OTHER,
    )
}

MARKET_CARRIERS = {
    Market.US: ("usps", "ups", "fedex", "other"),
    Market.KG: ("kep", "courier", "other"),
}

CARRIER_CHOICES = [(carrier.code, carrier.label) for carrier in CARRIERS.values()]


def carrier(code: str) -> Carrier:
    """The carrier recorded as `code`; a code no longer known reads as "other"."""
    return CARRIERS.get(code, OTHER)


def carriers_for(market: str) -> list[Carrier]:
    """The carriers a manager may choose for an order of `market`."""
    return [CARRIERS[code] for code in MARKET_CARRIERS.get(Market(market), ("other",))]
