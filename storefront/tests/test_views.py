"""Pages of no single app: `/`, the market switcher, the home page with its banners, robots.txt."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from marketing.tests.factories import BannerFactory
from storefront.page_cache import MARKET_COOKIE

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 10


def titles_in_order(html, titles):
    """The positions of `titles` in `html`, asserting each appears."""
    positions = [html.find(title) for title in titles]
    assert all(p >= 0 for p in positions), dict(zip(titles, positions, strict=True))
    return positions


# --- / ---------------------------------------------------------------------------------------------


def test_root_redirects_a_visitor_to_the_default_market(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/kg/"


def test_root_redirects_a_visitor_who_switched_to_the_market_in_their_session(client):
    client.post("/market/", {"market": "US", "next": "/kg/"})

    assert client.get("/")["Location"] == "/us/"


def test_root_redirects_a_signed_in_us_user_to_us(client, us_shopper):
    client.force_login(us_shopper)

    assert client.get("/")["Location"] == "/us/"


def test_root_follows_a_signed_in_users_phone_over_the_session(client, kg_shopper):
    client.cookies[MARKET_COOKIE] = "US"
    client.force_login(kg_shopper)

    assert client.get("/")["Location"] == "/kg/"


# --- the market switcher ---------------------------------------------------------------------------


def test_the_market_switcher_moves_a_visitor_to_the_same_page_in_the_chosen_market(client):
    response = client.post("/market/", {"market": "US", "next": "/kg/products/"})

    assert response.status_code == 302
    assert response["Location"] == "/us/products/"
    assert client.cookies[MARKET_COOKIE].value == "US"


def test_the_market_switcher_keeps_the_query_of_the_page(client):
    response = client.post("/market/", {"market": "KG", "next": "/us/c/men/?brand=Nord&page=2"})

    assert response["Location"] == "/kg/c/men/?brand=Nord&page=2"
    assert client.cookies[MARKET_COOKIE].value == "KG"


def test_the_market_switcher_accepts_a_lower_case_code(client):
    response = client.post("/market/", {"market": "us", "next": "/kg/best-sellers/"})

    assert response["Location"] == "/us/best-sellers/"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/kg/products/", "//evil.example/kg/", "/\\evil.example/", "javascript:alert(1)", ""],
)
def test_the_market_switcher_ignores_a_next_that_leaves_the_site(client, next_url):
    response = client.post("/market/", {"market": "US", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/us/"


def test_a_signed_in_user_cannot_switch_market(client, kg_shopper):
    client.force_login(kg_shopper)

    response = client.post("/market/", {"market": "US", "next": "/kg/products/"})

    assert response["Location"] == "/kg/products/"
    assert MARKET_COOKIE not in client.cookies
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Your market follows your phone number" in page.text


def test_the_market_switcher_refuses_an_unknown_market(client):
    response = client.post("/market/", {"market": "FR", "next": "/kg/products/"}, follow=True)

    assert response.redirect_chain == [("/kg/products/", 302)]
    assert "Choose Kyrgyzstan or the United States." in response.text
    assert MARKET_COOKIE not in client.cookies


def test_the_market_switcher_only_answers_post(client):
    assert client.get("/market/?market=US&next=/kg/").status_code == 405


def test_the_market_switcher_refuses_a_post_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/market/", {"market": "US", "next": "/kg/products/"})

    assert response.status_code == 403
    assert MARKET_COOKIE not in client.cookies


def test_the_market_switcher_in_the_page_header_works_with_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/kg/products/")
    assert 'action="/market/"' in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    response = client.post("/market/", {"market": "US", "next": "/kg/products/", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == "/us/products/"


# --- home ------------------------------------------------------------------------------------------


def test_home_shows_hero_promo_and_category_banners_of_the_market_and_all_in_sort_order(client):
    BannerFactory(title="Hero second", banner_type="hero", market="KG", sort_order=2)
    BannerFactory(title="Hero first", banner_type="hero", market="ALL", sort_order=1)
    BannerFactory(title="Hero in America", banner_type="hero", market="US", sort_order=0)
    BannerFactory(title="Promo later", banner_type="promo", market="ALL", sort_order=5)
    BannerFactory(title="Promo sooner", banner_type="promo", market="KG", sort_order=3)
    BannerFactory(title="Collection", banner_type="category", market="KG")

    response = client.get("/kg/")

    assert response.status_code == 200
    assert [b.title for b in response.context["hero_banners"]] == ["Hero first", "Hero second"]
    assert [b.title for b in response.context["promo_banners"]] == ["Promo sooner", "Promo later"]
    assert [b.title for b in response.context["category_banners"]] == ["Collection"]
    first, second = titles_in_order(response.text, ["Hero first", "Hero second"])
    assert first < second
    assert "Hero in America" not in response.text


def test_home_never_shows_a_banner_of_the_other_market(client):
    BannerFactory(title="Only in Kyrgyzstan", market="KG")
    BannerFactory(title="Only in America", market="US", banner_type="promo")

    assert "Only in America" not in client.get("/kg/").text
    us_home = client.get("/us/").text
    assert "Only in America" in us_home
    assert "Only in Kyrgyzstan" not in us_home


def test_home_shows_banners_only_inside_their_schedule(client):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    BannerFactory(title="Running now", start_date=now - day, end_date=now + day)
    BannerFactory(title="Open ended", start_date=now - day)
    BannerFactory(title="Starts tomorrow", start_date=now + day)
    BannerFactory(title="Ended yesterday", start_date=now - 3 * day, end_date=now - day)
    BannerFactory(title="Switched off", is_active=False)

    html = client.get("/kg/").text

    assert "Running now" in html
    assert "Open ended" in html
    assert "Starts tomorrow" not in html
    assert "Ended yesterday" not in html
    assert "Switched off" not in html


def test_home_banners_link_through_the_signed_click_url_of_the_market(client):
    banner = BannerFactory(title="Tracked", link_url="/kg/c/men/")

    html = client.get("/kg/").text

    assert re.search(rf'href="/kg/b/c/[^"]+/" data-banner-id="{banner.pk}"', html)
    assert 'data-banner-impressions-url="/kg/b/impressions/"' in html


def test_home_shows_featured_products_of_the_market_in_its_currency(client):
    ProductFactory(name="Featured Linen", market="KG", is_featured=True, price="2990.00")
    ProductFactory(name="Featured Everywhere", market="ALL", is_featured=True, price="25.00")
    ProductFactory(name="Featured in America", market="US", is_featured=True, price="49.00")
    ProductFactory(name="Hidden Featured", market="KG", is_featured=True, is_active=False)
    ProductFactory(name="Plain Shirt", market="KG")

    response = client.get("/kg/")

    featured = {p.name for p in response.context["featured"]}
    assert featured == {"Featured Linen", "Featured Everywhere"}
    assert "2 990 som" in response.text
    assert "2 189 som" in response.text  # $25 × 87.45 = 2 186.25, rounded up to end in 9
    assert "Featured in America" not in response.text
    assert "Plain Shirt" not in response.text


def test_home_shows_best_sellers_flagged_first_then_by_sales(client):
    ProductFactory(name="Sells some", sales_count=5)
    ProductFactory(name="Sells most", sales_count=90)
    ProductFactory(name="Picked by staff", is_best_seller=True)
    ProductFactory(name="Never sold")
    ProductFactory(name="Sells in America", market="US", sales_count=500)

    response = client.get("/kg/")

    assert [p.name for p in response.context["best_sellers"]] == ["Picked by staff", "Sells most", "Sells some"]
    assert 'href="/kg/best-sellers/"' in response.text


def test_home_of_the_us_market_shows_prices_in_dollars(client):
    ProductFactory(name="Everywhere Tee", market="ALL", is_featured=True, price="25.00")

    html = client.get("/us/").text

    assert "$25.00" in html
    assert "som" not in html.split("<main", 1)[1]


def test_home_links_the_other_markets_home_with_hreflang(client):
    html = client.get("/kg/").text

    assert re.search(r'<link rel="alternate" hreflang="[a-z]{2}-KG" href="http://testserver/kg/">', html)
    assert re.search(r'<link rel="alternate" hreflang="[a-z]{2}-US" href="http://testserver/us/">', html)


# --- the category menu ---------------------------------------------------------------------------------


def test_the_category_menu_lists_the_markets_active_categories_with_their_active_subcategories(client):
    men = CategoryFactory(name="Men", slug="men", sort_order=2)
    SubcategoryFactory(category=men, name="Trousers", slug="trousers", sort_order=2)
    SubcategoryFactory(category=men, name="Shirts", slug="shirts", sort_order=1)
    SubcategoryFactory(category=men, name="Archive", slug="archive", is_active=False)
    CategoryFactory(name="Kalpaks", slug="kalpaks", market="KG", sort_order=1)
    CategoryFactory(name="Americana", slug="americana", market="US")
    CategoryFactory(name="Retired", slug="retired", is_active=False)

    response = client.get("/kg/products/")

    assert list(response.context["nav_categories"]) == [
        {"name": "Kalpaks", "slug": "kalpaks", "subcategories": []},
        {
            "name": "Men",
            "slug": "men",
            "subcategories": [{"name": "Shirts", "slug": "shirts"}, {"name": "Trousers", "slug": "trousers"}],
        },
    ]
    assert 'href="/kg/c/kalpaks/"' in response.text
    assert "Americana" not in response.text


def test_the_category_menu_follows_a_changed_category(client, django_capture_on_commit_callbacks):
    category = CategoryFactory(name="Men", slug="men")
    client.get("/kg/products/")
    category.name = "Gentlemen"
    with django_capture_on_commit_callbacks(execute=True):
        category.save()

    assert "Gentlemen" in client.get("/kg/products/").text


# --- robots.txt ------------------------------------------------------------------------------------


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in [
        "/admin/",
        "/api/",
        "/market/",
        "/accounts/",
        "/kg/cart/",
        "/us/cart/",
        "/kg/checkout/",
        "/us/orders/",
    ]:
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_disallows_only_paths_the_site_has(client):
    """Each Disallow is the start of a real route (no /kg/account/, which is not one)."""
    from django.urls import get_resolver

    def routes(patterns, prefix="/"):
        for pattern in patterns:
            text = prefix + str(pattern.pattern).replace("<market:market>", "MARKET")
            if hasattr(pattern, "url_patterns"):
                yield from routes(pattern.url_patterns, text)
            else:
                yield text

    known = list(routes(get_resolver().url_patterns))
    disallowed = [line.split(": ", 1)[1] for line in client.get("/robots.txt").text.splitlines() if "Disallow" in line]

    for path in disallowed:
        generic = re.sub(r"^/(kg|us)/", "/MARKET/", path)
        assert any(route.startswith(generic) for route in known), path


# --- query budgets ---------------------------------------------------------------------------------


def home_with(count):
    for n in range(count):
        product = ProductFactory(is_featured=True, sales_count=n + 1, is_best_seller=n % 2 == 0)
        SKUFactory(product=product)
    for banner_type in ("hero", "promo", "category"):
        BannerFactory(banner_type=banner_type)


def queries_for(client, url):
    cache.clear()  # the worst case: no menu and no exchange rate cached yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_stays_within_its_query_budget(client, django_assert_max_num_queries):
    home_with(5)

    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get("/kg/").status_code == 200


def test_home_makes_as_many_queries_for_fifty_products_as_for_five(client):
    home_with(5)
    few = queries_for(client, "/kg/")
    home_with(45)

    assert queries_for(client, "/kg/") == few


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/favicon.svg")


def test_switching_market_on_a_product_the_other_market_does_not_sell_says_so_and_lands_on_its_category(client):
    everywhere = CategoryFactory(market="ALL", slug="women")
    felt = SubcategoryFactory(category=everywhere, slug="felt")
    ProductFactory(market="KG", slug="felt-slippers", category=everywhere, subcategory=felt)

    response = client.post("/market/", {"market": "US", "next": "/kg/p/felt-slippers/"}, follow=True)

    assert response.redirect_chain[0] == ("/us/c/women/felt/", 302)
    assert response.status_code == 200
    assert client.cookies[MARKET_COOKIE].value == "US"
    assert "This item is sold in Kyrgyzstan only." in response.text


def test_switching_market_on_a_product_whose_category_the_other_market_lacks_lands_on_its_home(client):
    ProductFactory(market="KG", slug="felt-slippers", category=CategoryFactory(market="KG", slug="kg-crafts"))

    response = client.post("/market/", {"market": "US", "next": "/kg/p/felt-slippers/"}, follow=True)

    assert response.redirect_chain == [("/us/", 302)]
    assert "This item is sold in Kyrgyzstan only." in response.text
