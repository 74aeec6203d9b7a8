"""Facet counts counted ahead (catalog.facets): the same as counted live, for both markets and every
kind of listing, kept fresh after catalog changes, and recounted by `refresh_listing_facets`."""

from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog import facets
from catalog.facets import ListingScope, precomputed_counts, refresh_listing_facets
from catalog.listing import live_counts, parse_filters
from catalog.models import SKU, Category, ListingFacet, MarketPrice, Product, Subcategory
from catalog.pricing import MarketPricing
from catalog.selectors import listed_products
from catalog.tests.conftest import product
from catalog.tests.factories import CategoryFactory, SubcategoryFactory
from storefront.markets import MARKETS

pytestmark = pytest.mark.django_db

KG, US = MARKETS["KG"], MARKETS["US"]


@pytest.fixture
def shop(wardrobe, django_capture_on_commit_callbacks):
    """The wardrobe (Men in KG, with an ALL and a US product), a Women category with products of both
    markets, one with no subcategory, a best seller, and a KG fixed price that puts an ALL product on sale;
    counted, with nothing left waiting to be recounted."""
    with django_capture_on_commit_callbacks(execute=True):
        women = CategoryFactory(name="Women", slug="women")
        dresses = SubcategoryFactory(category=women, name="Dresses", name_ru="Платья", slug="dresses")
        product(dresses, "Wrap", brand="Nord", market="ALL", price="40.00", skus=[("S", "Red", 2), ("M", "Red", 0)])
        product(
            dresses, "Shift", brand="Lumen", market="US", price="55.00", is_best_seller=True, skus=[("L", "Green", 3)]
        )
        product(dresses, "Slip", brand="Lumen", market="KG", price="4000.00", skus=[("M", "Black", 1)])
        Product.objects.create(
            name="Cape", slug="cape", brand="Lumen", market="KG", category=women, price="5000.00", in_stock=False
        )
        wrap = Product.objects.get(name="Wrap")
        MarketPrice.objects.create(product=wrap, market="KG", price="2990.00", original_price="3990.00")
    refresh_listing_facets()
    return {"men": wardrobe, "women": women, "dresses": dresses}


def comparable(counts):
    """Counts with options in a fixed order and labels as shown, to compare two ways of counting."""
    return {
        "total": counts["total"],
        "flags": counts["flags"],
        **{
            name: sorted((row["value"], row["n"], str(row.get("label") or row["value"])) for row in counts[name])
            for name in ("sub", "brand", "size", "color")
        },
    }


def both_ways(scope, market, query=""):
    filters = parse_filters(QueryDict(query))
    kept = precomputed_counts(scope, market, filters)
    live = live_counts(listed_products(MarketPricing.load(market), scope), filters, market)
    if kept is None and scope.subcategory_id is not None and live["total"] == 0:
        return None, None  # a subcategory with none of the market's products has no rows; it is counted live
    assert kept is not None, "no rows were read"
    if scope.subcategory_id is not None:  # a subcategory's page shows no subcategory facet
        kept, live = {**kept, "sub": []}, {**live, "sub": []}
    return comparable(kept), comparable(live)


def scopes():
    """Every listing: all products, best sellers, each category and each subcategory."""
    return [
        ListingScope(),
        ListingScope(best_sellers=True),
        *(ListingScope(category_id=pk) for pk in Category.objects.values_list("pk", flat=True)),
        *(ListingScope(subcategory_id=pk) for pk in Subcategory.objects.values_list("pk", flat=True)),
    ]


# --- the same counts as counted live ------------------------------------------------------------------


@pytest.mark.parametrize("market", [KG, US], ids=["KG", "US"])
def test_kept_counts_equal_live_counts_for_every_listing_of_a_market(shop, market):
    for scope in scopes():
        kept, live = both_ways(scope, market)
        assert kept == live, scope


@pytest.mark.parametrize("market", [KG, US], ids=["KG", "US"])
@pytest.mark.parametrize("query", ["sub=shirts", "sub=shirts&sub=dresses", "sub=nothing-here"])
def test_kept_counts_of_chosen_subcategories_equal_live_counts(shop, market, query):
    for scope in (ListingScope(), ListingScope(category_id=shop["men"].pk)):
        kept, live = both_ways(scope, market, query)
        assert kept == live, (scope, query)


def test_counts_are_what_a_shopper_of_each_market_sees(shop):
    everything, women = ListingScope(), ListingScope(category_id=shop["women"].pk)
    unfiltered = parse_filters(QueryDict(""))

    kg = precomputed_counts(women, KG, unfiltered)
    us = precomputed_counts(women, US, unfiltered)

    # KG: Wrap (ALL), Slip and Cape; US: Wrap and Shift. The fixed KG price puts Wrap on sale in KG only.
    assert (kg["total"], us["total"]) == (3, 2)
    assert {row["value"]: row["n"] for row in kg["brand"]} == {"Nord": 1, "Lumen": 2}
    assert kg["flags"] == {"in_stock": 2, "sale": 1}
    assert us["flags"] == {"in_stock": 2, "sale": 0}
    assert precomputed_counts(everything, KG, unfiltered)["total"] == 7
    assert precomputed_counts(everything, US, unfiltered)["total"] == 4
    # Best sellers: Oxford, Poplin and Chino in KG (they sold); Shift, a staff pick, in US.
    assert precomputed_counts(ListingScope(best_sellers=True), KG, unfiltered)["total"] == 3
    assert precomputed_counts(ListingScope(best_sellers=True), US, unfiltered)["total"] == 1


def test_a_subcategory_option_is_labelled_in_the_pages_language(shop):
    women = ListingScope(category_id=shop["women"].pk)

    with translation.override("ru"):
        labels = {
            row["value"]: row["label"] for row in precomputed_counts(women, KG, parse_filters(QueryDict("")))["sub"]
        }

    assert labels == {"dresses": "Платья"}


def test_filters_other_than_subcategories_are_counted_live(shop):
    for query in ("brand=Nord", "size=M", "color=Black", "min=10", "in_stock=1", "sale=1", "sub=shirts&brand=Nord"):
        assert precomputed_counts(ListingScope(), KG, parse_filters(QueryDict(query))) is None, query
    # Best sellers and subcategory pages keep no per-subcategory rows of their own.
    assert precomputed_counts(ListingScope(best_sellers=True), KG, parse_filters(QueryDict("sub=shirts"))) is None


def test_a_listing_without_rows_is_counted_live(wardrobe, client):
    ListingFacet.objects.all().delete()

    found = client.get("/kg/c/men/").context["listing"]

    assert found.paginator.count == 4
    assert {option.value: option.count for option in found.facets["brand"]} == {"Atelier": 2, "Nord": 2}


# --- the pages read the rows ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/kg/products/", "/kg/c/men/", "/kg/c/men/shirts/", "/kg/best-sellers/", "/us/c/women/"]
)
def test_an_unfiltered_listing_reads_its_counts_without_counting_skus(shop, client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert not [q["sql"] for q in queries if '"catalog_sku"' in q["sql"]]
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_kept_listing_shows_the_same_facets_as_a_counted_one(shop, client):
    kept_page = client.get("/kg/c/men/").context["listing"]
    ListingFacet.objects.all().delete()
    cache.clear()
    live_page = client.get("/kg/c/men/").context["listing"]

    assert kept_page.paginator.count == live_page.paginator.count == 4
    for name in ("sub", "brand", "size", "color"):
        assert kept_page.facets[name] == live_page.facets[name], name
    assert kept_page.facets["flags"] == live_page.facets["flags"]


def test_a_filtered_listing_counts_live_even_when_rows_are_kept(shop, client):
    # Rows that no longer match the catalog show that the filtered page does not read them.
    ListingFacet.objects.filter(kind=ListingFacet.Kind.TOTAL).update(count=999)
    cache.clear()

    found = client.get("/kg/c/men/", {"brand": "Atelier", "size": "S"}).context["listing"]

    assert found.paginator.count == 1
    assert [p.name for p in found.products] == ["Oxford"]
    assert {option.value: option.count for option in found.facets["brand"]} == {"Atelier": 1, "Nord": 1}


def test_the_api_reads_the_same_counts(shop, client):
    body = client.get("/api/v1/products", {"market": "KG", "category": "men"}).json()

    assert body["count"] == 4
    assert {option["value"]: option["count"] for option in body["facets"]["brand"]} == {"Atelier": 2, "Nord": 2}


# --- kept fresh -------------------------------------------------------------------------------------------


def total(scope, market=KG):
    return precomputed_counts(scope, market, parse_filters(QueryDict("")))["total"]


def assert_all_equal_live():
    for market in (KG, US):
        for scope in scopes():
            kept, live = both_ways(scope, market)
            assert kept == live, (market.code, scope)


def test_a_new_product_is_counted_once_its_transaction_commits(shop, django_capture_on_commit_callbacks):
    men = ListingScope(category_id=shop["men"].pk)
    before = total(ListingScope()), total(men)
    shirts = Subcategory.objects.get(slug="shirts")

    with django_capture_on_commit_callbacks(execute=True):
        product(shirts, "Flannel", brand="Hearth", skus=[("XL", "Olive", 3)])

    assert (total(ListingScope()), total(men)) == (before[0] + 1, before[1] + 1)
    assert_all_equal_live()


def test_a_deactivated_product_leaves_the_counts(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        oxford = Product.objects.get(name="Oxford")
        oxford.is_active = False
        oxford.save()

    assert total(ListingScope(category_id=shop["men"].pk)) == 3
    assert_all_equal_live()


def test_sku_changes_update_the_size_and_color_counts(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sku = SKU.objects.get(product__name="Slip")
        sku.size, sku.color = "XS", "Navy"
        sku.save()
        SKU.objects.get(product__name="Wrap", size="M").delete()
    assert_all_equal_live()

    # A SKU running out is what the merchandiser records on the product (in stock); the in-stock count follows.
    with django_capture_on_commit_callbacks(execute=True):
        slip = Product.objects.get(name="Slip")
        sku = slip.skus.get()
        sku.stock = 0
        sku.save()
        slip.in_stock = False
        slip.save()

    assert (
        precomputed_counts(ListingScope(category_id=shop["women"].pk), KG, parse_filters(QueryDict("")))["flags"][
            "in_stock"
        ]
        == 1
    )
    assert_all_equal_live()


def test_a_product_moved_to_another_category_leaves_the_old_one(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        slip = Product.objects.get(name="Slip")
        slip.category, slip.subcategory = shop["men"], Subcategory.objects.get(slug="shirts")
        slip.save()

    assert total(ListingScope(category_id=shop["women"].pk)) == 2
    assert total(ListingScope(category_id=shop["men"].pk)) == 5
    assert_all_equal_live()


def test_a_fixed_price_changes_the_on_sale_count_of_its_market_only(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        MarketPrice.objects.filter(product__name="Wrap").delete()
        cargo = Product.objects.get(name="Cargo")
        MarketPrice.objects.create(product=cargo, market="US", price="19.99", original_price="29.99")

    unfiltered = parse_filters(QueryDict(""))
    assert precomputed_counts(ListingScope(), KG, unfiltered)["flags"]["sale"] == 1  # Poplin
    assert precomputed_counts(ListingScope(), US, unfiltered)["flags"]["sale"] == 1  # Cargo
    assert_all_equal_live()


def test_a_renamed_subcategory_shows_its_new_name_and_slug(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dresses = shop["dresses"]
        dresses.name, dresses.slug = "Gowns", "gowns"
        dresses.save()

    subs = precomputed_counts(ListingScope(category_id=shop["women"].pk), KG, parse_filters(QueryDict("")))["sub"]
    assert [(row["value"], row["label"]) for row in subs] == [("gowns", "Gowns")]
    assert_all_equal_live()


def test_a_new_category_with_products_is_counted_in_all_products(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        kids = SubcategoryFactory(category=CategoryFactory(name="Kids", slug="kids"), slug="boys")
        product(kids, "Romper", brand="Tiny", skus=[("S", "Yellow", 1)])

    assert total(ListingScope()) == 8
    assert_all_equal_live()


def test_changes_of_one_transaction_are_recounted_once(shop, django_capture_on_commit_callbacks):
    shirts = Subcategory.objects.get(slug="shirts")
    with (
        mock.patch("catalog.tasks.refresh", wraps=refresh_listing_facets) as recount,
        django_capture_on_commit_callbacks(execute=True),
    ):
        for n in range(5):
            product(shirts, f"Tee {n}", brand="Hearth", skus=[("S", "White", 1), ("M", "White", 1)])

    assert recount.call_count == 1
    assert recount.call_args.kwargs == {"category_ids": [shop["men"].pk]}
    assert total(ListingScope(category_id=shop["men"].pk)) == 9


def test_a_rolled_back_change_is_not_counted(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                oxford = Product.objects.get(name="Oxford")
                oxford.is_active = False
                oxford.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    assert total(ListingScope(category_id=shop["men"].pk)) == 4
    assert_all_equal_live()


def test_the_pages_show_a_change_at_the_next_request(shop, client, django_capture_on_commit_callbacks):
    assert client.get("/kg/c/men/").context["listing"].paginator.count == 4

    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(name="Poplin").get().delete()

    assert client.get("/kg/c/men/").context["listing"].paginator.count == 3


def test_a_deleted_category_leaves_all_products(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(category=shop["women"]).delete()
        Category.objects.filter(pk=shop["women"].pk).delete()

    assert not ListingFacet.objects.filter(category_id=shop["women"].pk).exists()
    assert total(ListingScope()) == 4
    assert_all_equal_live()


# --- the command ------------------------------------------------------------------------------------------


def test_the_command_counts_every_listing(wardrobe):
    ListingFacet.objects.all().delete()
    out = StringIO()

    call_command("refresh_listing_facets", stdout=out)

    assert "rows changed" in out.getvalue()
    assert total(ListingScope()) == 4
    assert total(ListingScope(category_id=wardrobe.pk)) == 4
    assert total(ListingScope(category_id=wardrobe.pk), US) == 2


def test_the_command_repairs_counts_left_behind_by_writes_without_signals(shop):
    Product.objects.filter(name="Oxford").update(is_active=False)  # no signal: the rows are stale
    assert total(ListingScope(category_id=shop["men"].pk)) == 4

    call_command("refresh_listing_facets", stdout=StringIO())

    assert total(ListingScope(category_id=shop["men"].pk)) == 3
    assert_all_equal_live()


def test_a_second_run_changes_nothing(shop):
    assert refresh_listing_facets() == 0


def test_counts_kept_in_the_cache_follow_a_recount(shop):
    assert total(ListingScope()) == 7  # now kept in the cache
    Product.objects.filter(name="Slip").update(is_active=False)

    refresh_listing_facets(category_ids=[shop["women"].pk])

    assert total(ListingScope()) == 6
    assert cache.get(facets.COUNTS_VERSION_KEY)
