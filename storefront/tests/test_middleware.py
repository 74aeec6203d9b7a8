"""MarketMiddleware: the market in the URL, the visitor's market cookie and the signed-in user's phone number."""

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from storefront.page_cache import MARKET_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture
def shirt():
    return ProductFactory(market="ALL", slug="linen-shirt")


def visit_in(client, market):
    """Make `client` a visitor whose market cookie says `market`."""
    client.cookies[MARKET_COOKIE] = market


# --- pages without a market prefix ----------------------------------------------------------------


def test_an_unprefixed_listing_redirects_into_the_default_market_keeping_the_query(client):
    response = client.get("/products/?brand=Atelier+Nord&sort=price_asc&page=2")

    assert response.status_code == 302
    assert response["Location"] == "/kg/products/?brand=Atelier+Nord&sort=price_asc&page=2"


def test_an_unprefixed_product_page_redirects_into_the_visitors_market_keeping_the_query(client, shirt):
    visit_in(client, "US")

    response = client.get("/p/linen-shirt/?size=M&color=Navy")

    assert response.status_code == 302
    assert response["Location"] == "/us/p/linen-shirt/?size=M&color=Navy"


def test_an_unprefixed_page_redirects_a_signed_in_user_into_the_market_of_their_phone(client, us_shopper):
    visit_in(client, "KG")
    client.force_login(us_shopper)

    response = client.get("/best-sellers/")

    assert response["Location"] == "/us/best-sellers/"


def test_an_unprefixed_category_page_redirects_into_the_market(client):
    CategoryFactory(slug="men")

    assert client.get("/c/men/")["Location"] == "/kg/c/men/"


def test_the_redirect_into_a_market_varies_on_the_cookie(client):
    response = client.get("/products/")

    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("path", ["/fr/products/", "/fr/", "/KG/products/", "/kgz/products/", "/xx/p/linen-shirt/"])
def test_an_unknown_market_prefix_is_not_found(client, shirt, path):
    assert client.get(path).status_code == 404


def test_an_unprefixed_path_that_is_no_storefront_page_is_not_found(client):
    assert client.get("/no-such-page/").status_code == 404


def test_a_post_to_an_unprefixed_page_is_not_redirected(client):
    # A redirect would turn the POST into a GET and lose its body.
    assert client.post("/products/").status_code == 404


def test_the_admin_never_gets_a_market_prefix(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- signed-in users always shop in their own market ----------------------------------------------


def test_a_signed_in_kg_user_on_a_us_product_page_is_sent_to_the_same_page_in_kg(client, kg_shopper, shirt):
    client.force_login(kg_shopper)

    response = client.get("/us/p/linen-shirt/?size=M")

    assert response.status_code == 302
    assert response["Location"] == "/kg/p/linen-shirt/?size=M"
    assert client.get(response["Location"]).status_code == 200


def test_a_signed_in_us_user_on_a_kg_listing_is_sent_to_the_us_listing(client, us_shopper):
    client.force_login(us_shopper)

    response = client.get("/kg/products/?sort=new")

    assert response["Location"] == "/us/products/?sort=new"


def test_a_signed_in_user_shops_in_their_own_market_without_a_redirect(client, us_shopper):
    client.force_login(us_shopper)

    response = client.get("/us/products/")

    assert response.status_code == 200
    assert response.context["market"].code == "US"


# --- visitors: the market comes from the URL and is kept in the session ----------------------------


def test_a_visitors_market_comes_from_the_url_not_the_cookie(client):
    visit_in(client, "KG")

    response = client.get("/us/products/")

    assert response.status_code == 200
    assert response.context["market"].code == "US"
    assert response.wsgi_request.market.currency == "USD"


def test_a_visitor_browsing_a_market_keeps_it_in_a_cookie_without_a_session(client):
    response = client.get("/us/products/")

    assert response.cookies[MARKET_COOKIE].value == "US"
    assert "sessionid" not in response.cookies
    assert client.get("/products/")["Location"] == "/us/products/"


def test_a_visitor_who_stays_in_the_default_market_gets_no_session(client):
    response = client.get("/kg/products/")

    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_a_visitor_coming_back_to_the_default_market_has_it_remembered(client):
    client.get("/us/")
    client.get("/kg/")

    assert client.cookies[MARKET_COOKIE].value == "KG"
