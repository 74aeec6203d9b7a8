"""The help pages a shopper of a market reads, in one query."""

from help.models import HelpPage
from storefront.markets import MarketConfig, MarketScope

KIND_ORDER = {kind: position for position, kind in enumerate(HelpPage.Kind.values)}


def help_pages(market: MarketConfig) -> list[HelpPage]:
    """The published pages of `market`, one per kind in the footer's order: the market's own page of
    a kind where there is one, else the page written for all markets."""
    chosen = {}
    for page in HelpPage.objects.published().for_market(market):
        if page.kind not in chosen or chosen[page.kind].market == MarketScope.ALL:
            chosen[page.kind] = page
    return sorted(chosen.values(), key=lambda page: KIND_ORDER[page.kind])


def find_help_page(pages: list[HelpPage], slug: str) -> HelpPage | None:
    """The page at `slug`, else the page of the kind `slug` names (the footer links by kind)."""
    return next((p for p in pages if p.slug == slug), None) or next((p for p in pages if p.kind == slug), None)
