"""The market table, the market a phone number belongs to, and the one queryset rule."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Category, Product
from catalog.tests.factories import CategoryFactory, ProductFactory
from marketing.models import Banner
from marketing.tests.factories import BannerFactory
from storefront.markets import (
    MARKETS,
    Market,
    PhoneNumberRefused,
    get_market,
    is_sold_in,
    market_from_phone,
    normalize_phone,
)

# --- the market table ---------------------------------------------------------------------------


def test_each_market_has_its_currency_and_phone_code():
    assert (get_market("KG").currency, get_market("KG").phone_country_code) == ("KGS", 996)
    assert (get_market("US").currency, get_market("US").phone_country_code) == ("USD", 1)
    assert set(MARKETS) == {Market.KG, Market.US}


def test_get_market_turns_a_code_into_its_configuration():
    assert get_market("KG") is MARKETS[Market.KG]
    assert get_market(Market.US) is MARKETS[Market.US]


@pytest.mark.parametrize("bad", ["ALL", "RU", "", None, MARKETS[Market.US]])
def test_get_market_refuses_anything_that_is_not_a_shoppers_market_code(bad):
    with pytest.raises(ValueError):
        get_market(bad)


# --- the market of a phone number ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+996555123456", "+996555123456"),
        ("+996 555 123 456", "+996555123456"),
        ("+996 (700) 12-34-56", "+996700123456"),
        ("996505123456", "+996505123456"),
    ],
)
def test_kyrgyz_numbers_belong_to_kg(raw, e164):
    assert normalize_phone(raw) == (e164, "KG")
    assert market_from_phone(raw) == "KG"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+12125550100", "+12125550100"),
        ("+1 (212) 555-0100", "+12125550100"),
        ("+1 415 200 0001", "+14152000001"),
    ],
)
def test_united_states_numbers_belong_to_us(raw, e164):
    assert normalize_phone(raw) == (e164, "US")
    assert market_from_phone(raw) == "US"


@pytest.mark.parametrize(
    "raw",
    [
        "+1 416 555 0199",  # Toronto: +1, but Canada
        "+1 604 555 0123",  # Vancouver
        "+74951234567",  # Moscow
        "+77012345678",  # Kazakhstan shares +7
        "+44 20 7946 0958",  # London
    ],
)
def test_numbers_of_countries_marque_does_not_sell_in_are_refused(raw):
    with pytest.raises(PhoneNumberRefused) as refused:
        normalize_phone(raw)
    assert refused.value.code == "unsupported_country"
    assert "+996" in refused.value.messages[0]
    assert "+1" in refused.value.messages[0]


@pytest.mark.parametrize("raw", ["garbage", "+996", "+1555", "12", "+996 555 12"])
def test_garbage_numbers_are_refused_as_invalid(raw):
    with pytest.raises(PhoneNumberRefused) as refused:
        market_from_phone(raw)
    assert refused.value.code == "invalid"
    assert refused.value.messages[0]


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_an_empty_number_is_refused_with_a_request_to_enter_one(raw):
    with pytest.raises(PhoneNumberRefused) as refused:
        normalize_phone(raw)
    assert refused.value.code == "required"
    assert refused.value.messages == ["Enter your phone number."]


def test_a_refused_number_is_a_validation_error_forms_can_show():
    assert issubclass(PhoneNumberRefused, ValidationError)
    with pytest.raises(ValidationError):
        normalize_phone("+7 495 123 45 67")


# --- for_market: what a shopper of a market sees -----------------------------------------------


@pytest.fixture
def catalog_in_every_market(db):
    """One product, category and banner per scope: KG, US and ALL."""
    rows = {}
    for scope in ("KG", "US", "ALL"):
        category = CategoryFactory(market=scope, name=f"{scope} category")
        rows[scope] = {
            "product": ProductFactory(market=scope, category=category),
            "category": category,
            "banner": BannerFactory(market=scope),
        }
    return rows


def _markets(queryset):
    return sorted(queryset.values_list("market", flat=True))


@pytest.mark.parametrize(("model", "key"), [(Product, "product"), (Category, "category"), (Banner, "banner")])
def test_kg_shopper_sees_kg_and_all_rows_never_us(catalog_in_every_market, kg_shopper, model, key):
    visible = model.objects.for_market(kg_shopper.market_config)
    assert _markets(visible) == ["ALL", "KG"]
    assert catalog_in_every_market["US"][key] not in visible


@pytest.mark.parametrize(("model", "key"), [(Product, "product"), (Category, "category"), (Banner, "banner")])
def test_us_shopper_sees_us_and_all_rows_never_kg(catalog_in_every_market, us_shopper, model, key):
    visible = model.objects.for_market(us_shopper.market_config)
    assert _markets(visible) == ["ALL", "US"]
    assert catalog_in_every_market["KG"][key] not in visible


@pytest.mark.parametrize("scope", ["KG", "US", "ALL"])
@pytest.mark.parametrize("market", list(MARKETS.values()), ids=lambda config: config.code)
@pytest.mark.parametrize(("model", "key"), [(Product, "product"), (Category, "category"), (Banner, "banner")])
def test_the_python_rule_agrees_with_the_queryset_rule(catalog_in_every_market, scope, market, model, key):
    row = catalog_in_every_market[scope][key]
    in_queryset = model.objects.for_market(market).filter(pk=row.pk).exists()
    assert is_sold_in(row.market, market) is in_queryset
    assert in_queryset is (scope in (market.code, "ALL"))


def test_a_product_is_sold_in_its_market_or_everywhere():
    assert is_sold_in("KG", MARKETS["KG"])
    assert not is_sold_in("KG", MARKETS["US"])
    assert is_sold_in("ALL", MARKETS["KG"])
    assert is_sold_in("ALL", MARKETS["US"])


def test_for_market_chains_with_other_queryset_methods(catalog_in_every_market):
    catalog_in_every_market["ALL"]["product"].is_active = False
    catalog_in_every_market["ALL"]["product"].save()
    assert list(Product.objects.active().for_market(MARKETS["KG"])) == [catalog_in_every_market["KG"]["product"]]
    assert list(Product.objects.for_market(MARKETS["KG"]).active()) == [catalog_in_every_market["KG"]["product"]]


@pytest.mark.parametrize("code", ["ALL", "KG"])
def test_for_market_takes_a_market_configuration_never_a_code(catalog_in_every_market, code):
    with pytest.raises(TypeError):
        Product.objects.for_market(code)
    with pytest.raises(TypeError):
        is_sold_in("KG", code)


def test_in_markets_holds_exactly_the_named_markets(catalog_in_every_market):
    assert _markets(Product.objects.in_markets(["KG"])) == ["KG"]
    assert _markets(Banner.objects.in_markets(["US"])) == ["US"]
    assert _markets(Category.objects.in_markets(["KG", "US"])) == ["KG", "US"]
    assert not Product.objects.in_markets([]).exists()


@pytest.mark.parametrize(
    ("raw", "example"),
    [("+1 555 123 4567", "+1 212 555 0100"), ("+996 123 45", "+996 555 123 456")],
)
def test_an_invalid_number_is_refused_with_an_example_of_a_valid_one(raw, example):
    from storefront.markets import PhoneNumberRefused, normalize_phone

    with pytest.raises(PhoneNumberRefused) as refused:
        normalize_phone(raw)

    assert example in refused.value.messages[0]
