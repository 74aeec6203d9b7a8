"""Storefront URLs reversed for a market: the same URL as `reverse()` gives, reversed once per market."""

import pytest
from django.urls import NoReverseMatch, reverse

from storefront.market_urls import market_reverse
from storefront.markets import MARKETS

CASES = [
    ("home", {}),
    ("checkout:cart_add", {}),
    ("catalog:product_detail", {"slug": "linen-shirt-7"}),
    ("catalog:category_detail", {"slug": "men"}),
    ("checkout:wishlist_toggle", {"product_id": 1234}),
    ("catalog:subcategory_detail", {"slug": "men", "subslug": "shirts"}),
]


@pytest.mark.parametrize("market", MARKETS.values(), ids=lambda m: m.code)
@pytest.mark.parametrize(("name", "kwargs"), CASES)
def test_a_market_url_is_what_reverse_gives(market, name, kwargs):
    expected = reverse(name, kwargs={"market": market.code, **kwargs})

    assert market_reverse(name, market, kwargs=kwargs) == expected
    assert market_reverse(name, market, kwargs=kwargs) == expected  # and again, from the one reversal


def test_a_query_is_added_as_reverse_adds_it():
    kg = MARKETS["KG"]

    assert market_reverse("catalog:search", kg, query={"q": "linen shirt"}) == "/kg/search/?q=linen+shirt"


def test_a_missing_argument_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        market_reverse("catalog:product_detail", MARKETS["KG"], kwargs={"slug": ""})
