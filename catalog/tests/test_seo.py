"""What crawlers read: titles, descriptions, canonical and Open Graph tags, JSON-LD, hreflang, sitemaps."""

import html
import json
import re
from xml.etree import ElementTree

import pytest
from django.test import Client

from catalog.models import MarketPrice
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
IN_STOCK = "https://schema.org/InStock"
OUT_OF_STOCK = "https://schema.org/OutOfStock"


@pytest.fixture
def shop(db):
    """Men › Shirts with a KG shirt (with SKUs) and a tee sold everywhere."""
    shirts = SubcategoryFactory(category=CategoryFactory(name="Men", slug="men"), name="Shirts", slug="shirts")
    common = {"category": shirts.category, "subcategory": shirts}
    shirt = ProductFactory(name="Oxford Shirt", slug="oxford", brand="Atelier", price="2990.00", **common)
    SKUFactory(product=shirt, sku_code="OX-S", size="S", color="Blue", stock=4)
    SKUFactory(product=shirt, sku_code="OX-M", size="M", color="Blue", stock=0)
    tee = ProductFactory(name="Everyday Tee", slug="everyday-tee", market="ALL", price="25.00", **common)
    SKUFactory(product=tee, size="M", color="White", stock=7)
    return shirt


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    return [json.loads(block) for block in blocks]


def json_ld_of_type(html, kind):
    found = [block for block in json_ld(html) if block.get("@type") == kind]
    assert len(found) <= 1
    return found[0] if found else None


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return match.group(1) if match else None


def sitemap_locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 -- our own sitemap, not untrusted input
    return [loc.text for loc in root.iterfind(".//sm:loc", SITEMAP_NS)]


# --- every page ------------------------------------------------------------------------------------------

PAGES = [
    "/kg/",
    "/us/",
    "/kg/c/men/",
    "/kg/c/men/shirts/",
    "/kg/products/",
    "/kg/best-sellers/",
    "/kg/p/oxford/",
    "/us/p/everyday-tee/",
    "/kg/search/?q=shirt",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_title_description_canonical_link_and_open_graph_tags(client, shop, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.text
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1).strip()
    assert title
    assert "MARQUE" in title
    assert meta(html, "name", "description")
    # The suite reads pages in English, which a KG page links to as ?lang=en (Russian is its default).
    path = url.split("?")[0] + ("?lang=en" if url.startswith("/kg/") else "")
    assert f'<link rel="canonical" href="http://testserver{path}">' in html
    assert meta(html, "property", "og:site_name") == "MARQUE"
    assert meta(html, "property", "og:title")
    assert meta(html, "property", "og:type") in ("website", "product")
    assert meta(html, "property", "og:url") == f"http://testserver{path}"


def test_the_product_page_title_description_and_open_graph_describe_the_product(client, shop):
    html = client.get("/kg/p/oxford/").text

    assert "<title>Oxford Shirt by Atelier — 2 990 som | MARQUE</title>" in html
    assert meta(html, "name", "description") == "A relaxed shirt in washed linen."
    assert meta(html, "property", "og:type") == "product"
    assert meta(html, "property", "og:title") == "Atelier Oxford Shirt"
    assert meta(html, "property", "product:price:amount") == "2990.00"


def test_a_listing_canonical_link_drops_filters_and_keeps_the_page(client, db):
    shirts = SubcategoryFactory(category=CategoryFactory(slug="men"))
    for _ in range(30):
        ProductFactory(category=shirts.category, subcategory=shirts)

    filtered = client.get("/kg/c/men/?brand=Atelier+Nord&sort=new").text
    second = client.get("/kg/c/men/?page=2&sort=new").text

    assert '<link rel="canonical" href="http://testserver/kg/c/men/?lang=en">' in filtered
    assert '<link rel="canonical" href="http://testserver/kg/c/men/?page=2&amp;lang=en">' in second
    assert "page 2" in re.search(r"<title>(.*?)</title>", second).group(1)


def test_a_category_description_is_its_meta_description(client, db):
    CategoryFactory(slug="women", name="Women", description="Dresses, knitwear and tailoring for every day.")

    html = client.get("/kg/c/women/").text

    assert meta(html, "name", "description") == "Dresses, knitwear and tailoring for every day."


# --- JSON-LD ----------------------------------------------------------------------------------------------


def test_the_product_json_ld_has_an_offer_in_som_with_the_market_price(client, shop):
    product = json_ld_of_type(client.get("/kg/p/oxford/").text, "Product")

    assert product["@context"] == "https://schema.org"
    assert product["name"] == "Oxford Shirt"
    assert product["brand"] == {"@type": "Brand", "name": "Atelier"}
    assert product["url"] == "http://testserver/kg/p/oxford/"
    offer = product["offers"]
    assert offer["@type"] == "Offer"
    assert offer["price"] == "2990.00"
    assert offer["priceCurrency"] == "KGS"
    assert offer["availability"] == IN_STOCK


@pytest.mark.parametrize(("market", "price", "currency"), [("kg", "2189.00", "KGS"), ("us", "25.00", "USD")])
def test_the_json_ld_offer_of_a_product_sold_everywhere_follows_the_market(client, shop, market, price, currency):
    offer = json_ld_of_type(client.get(f"/{market}/p/everyday-tee/").text, "Product")["offers"]

    assert (offer["price"], offer["priceCurrency"]) == (price, currency)


def test_the_json_ld_offer_uses_a_fixed_market_price(client, shop):
    tee = shop.category.products.get(slug="everyday-tee")
    MarketPrice.objects.create(product=tee, market="KG", price="1990.00")

    offer = json_ld_of_type(client.get("/kg/p/everyday-tee/").text, "Product")["offers"]

    assert offer["price"] == "1990.00"


def test_the_json_ld_availability_follows_the_picked_skus_stock(client, shop):
    in_stock = json_ld_of_type(client.get("/kg/p/oxford/?size=S&color=Blue").text, "Product")
    sold_out = json_ld_of_type(client.get("/kg/p/oxford/?size=M&color=Blue").text, "Product")

    assert in_stock["offers"]["availability"] == IN_STOCK
    assert in_stock["sku"] == "OX-S"
    assert sold_out["offers"]["availability"] == OUT_OF_STOCK
    assert sold_out["sku"] == "OX-M"


def test_the_json_ld_says_out_of_stock_when_no_sku_has_stock(client, db):
    product = ProductFactory(slug="sold-out")
    SKUFactory(product=product, size="S", stock=0)
    SKUFactory(product=product, size="M", stock=0)

    offer = json_ld_of_type(client.get("/kg/p/sold-out/").text, "Product")["offers"]

    assert offer["availability"] == OUT_OF_STOCK


def test_the_product_page_has_a_breadcrumb_list_from_home_to_the_product(client, shop):
    breadcrumbs = json_ld_of_type(client.get("/kg/p/oxford/").text, "BreadcrumbList")

    assert [(item["position"], item["name"], item["item"]) for item in breadcrumbs["itemListElement"]] == [
        (1, "Home", "http://testserver/kg/"),
        (2, "Men", "http://testserver/kg/c/men/"),
        (3, "Shirts", "http://testserver/kg/c/men/shirts/"),
        (4, "Oxford Shirt", "http://testserver/kg/p/oxford/"),
    ]


def test_listing_pages_have_a_breadcrumb_list(client, shop):
    category = json_ld_of_type(client.get("/us/c/men/").text, "BreadcrumbList")
    subcategory = json_ld_of_type(client.get("/us/c/men/shirts/").text, "BreadcrumbList")

    assert [item["item"] for item in category["itemListElement"]] == [
        "http://testserver/us/",
        "http://testserver/us/c/men/",
    ]
    assert subcategory["itemListElement"][-1]["name"] == "Shirts"


def test_json_ld_survives_a_product_name_that_closes_the_script(client, db):
    hostile = 'Shirt </script><script>alert("x")</script> & <b>'
    ProductFactory(slug="hostile", name=hostile, description="</script>")

    response = client.get("/kg/p/hostile/")

    assert json_ld_of_type(response.text, "Product")["name"] == hostile
    assert '<script>alert("x")</script>' not in response.text


# --- hreflang ---------------------------------------------------------------------------------------------


def test_a_product_sold_everywhere_links_its_page_in_each_market_and_a_default(client, shop):
    html = client.get("/kg/p/everyday-tee/").text

    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert links == {
        "ru-KG": "http://testserver/kg/p/everyday-tee/",
        "ky-KG": "http://testserver/kg/p/everyday-tee/?lang=ky",
        "en-KG": "http://testserver/kg/p/everyday-tee/?lang=en",
        "en-US": "http://testserver/us/p/everyday-tee/",
        "x-default": "http://testserver/kg/p/everyday-tee/",
    }


def hreflang_links(page):
    return {
        k: html.unescape(v) for k, v in re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    }


def test_a_product_of_one_market_links_its_language_versions_only(client, shop):
    assert hreflang_links(client.get("/kg/p/oxford/").text) == {
        "ru-KG": "http://testserver/kg/p/oxford/",
        "ky-KG": "http://testserver/kg/p/oxford/?lang=ky",
        "en-KG": "http://testserver/kg/p/oxford/?lang=en",
        "x-default": "http://testserver/kg/p/oxford/",
    }


@pytest.mark.parametrize(
    "path",
    ["/kg/c/men/", "/kg/c/men/shirts/", "/kg/products/", "/kg/best-sellers/", "/us/products/?page=1"],
)
def test_categories_subcategories_and_listings_link_every_version_reciprocally(client, shop, path):
    links = hreflang_links(client.get(path).text)
    page = path.split("/", 2)[2].split("?")[0]

    assert links == {
        "ru-KG": f"http://testserver/kg/{page}",
        "ky-KG": f"http://testserver/kg/{page}?lang=ky",
        "en-KG": f"http://testserver/kg/{page}?lang=en",
        "en-US": f"http://testserver/us/{page}",
        "x-default": f"http://testserver/kg/{page}",
    }
    # Every version names the same set, its own address included: the links are reciprocal, and they
    # are the same whichever language the shared page cache kept.
    for url in links.values():
        visitor = Client(HTTP_ACCEPT_LANGUAGE="ru")  # a first visit: the URL alone decides the language
        other = visitor.get(url.removeprefix("http://testserver"))
        assert hreflang_links(other.text) == links
        assert f'<link rel="canonical" href="{url}">' in other.text


def test_a_one_market_category_links_its_languages_in_that_market(client, db):
    CategoryFactory(slug="kalpak", market="KG")

    assert set(hreflang_links(client.get("/kg/c/kalpak/").text)) == {"ru-KG", "ky-KG", "en-KG", "x-default"}


def test_a_later_listing_page_links_the_same_page_in_each_version(client, shop):
    for n in range(30):
        ProductFactory(slug=f"shirt-{n}", category=shop.category, subcategory=shop.subcategory, market="ALL")

    links = hreflang_links(client.get("/kg/c/men/?page=2&sort=price").text)

    assert links["ky-KG"] == "http://testserver/kg/c/men/?page=2&lang=ky"
    assert links["en-US"] == "http://testserver/us/c/men/?page=2"


def test_a_subcategory_has_a_meta_description_of_its_own(client, shop):
    shop.category.description = "Everything for him."
    shop.category.save()

    category = meta(client.get("/kg/c/men/").text, "name", "description")
    subcategory = meta(client.get("/kg/c/men/shirts/").text, "name", "description")

    assert category == "Everything for him."
    assert subcategory != category and "Shirts" in subcategory


def test_the_sitemaps_list_each_pages_language_versions(client, shop):
    XHTML = "{http://www.w3.org/1999/xhtml}link"
    for url in ("/sitemap-kg-products.xml", "/sitemap-kg-categories.xml"):
        root = ElementTree.fromstring(client.get(url).content)  # noqa: S314 -- our own sitemap
        entries = {
            entry.find("sm:loc", SITEMAP_NS).text: {
                link.get("hreflang"): link.get("href") for link in entry.iter(XHTML)
            }
            for entry in root.iterfind("sm:url", SITEMAP_NS)
        }
        for location, versions in entries.items():
            assert versions["x-default"] and location in versions.values(), location
    products = {
        entry.find("sm:loc", SITEMAP_NS).text: {link.get("hreflang") for link in entry.iter(XHTML)}
        for entry in ElementTree.fromstring(client.get("/sitemap-kg-products.xml").content).iterfind(  # noqa: S314
            "sm:url", SITEMAP_NS
        )
    }
    assert products["http://testserver/kg/p/everyday-tee/"] == {"ru-KG", "ky-KG", "en-KG", "en-US", "x-default"}
    assert products["http://testserver/kg/p/oxford/"] == {"ru-KG", "ky-KG", "en-KG", "x-default"}


def test_the_sitemap_index_gives_each_markets_last_change_in_that_markets_time(client, shop):
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 -- our own sitemap
    lastmods = {
        entry.find("sm:loc", SITEMAP_NS).text: entry.find("sm:lastmod", SITEMAP_NS)
        for entry in root.iterfind("sm:sitemap", SITEMAP_NS)
    }

    kg = lastmods["http://testserver/sitemap-kg-products.xml"].text
    us = lastmods["http://testserver/sitemap-us-products.xml"].text
    assert kg.endswith("+06:00")
    assert us.endswith(("-05:00", "-04:00"))


# --- sitemaps ---------------------------------------------------------------------------------------------


def test_the_sitemap_index_lists_a_product_and_a_category_sitemap_per_market(client, shop):
    assert sorted(sitemap_locations(client, "/sitemap.xml")) == [
        "http://testserver/sitemap-kg-categories.xml",
        "http://testserver/sitemap-kg-products.xml",
        "http://testserver/sitemap-us-categories.xml",
        "http://testserver/sitemap-us-products.xml",
    ]


def test_a_markets_product_sitemap_lists_its_active_products_and_those_sold_everywhere(client, db):
    ProductFactory(slug="kg-shirt", market="KG")
    ProductFactory(slug="everywhere-tee", market="ALL")
    ProductFactory(slug="us-jacket", market="US")
    ProductFactory(slug="retired-shirt", market="KG", is_active=False)
    ProductFactory(slug="retired-tee", market="ALL", is_active=False)

    kg = sitemap_locations(client, "/sitemap-kg-products.xml")
    us = sitemap_locations(client, "/sitemap-us-products.xml")

    assert sorted(kg) == ["http://testserver/kg/p/everywhere-tee/", "http://testserver/kg/p/kg-shirt/"]
    assert sorted(us) == ["http://testserver/us/p/everywhere-tee/", "http://testserver/us/p/us-jacket/"]


def test_the_product_sitemap_gives_each_page_its_last_change(client, db):
    ProductFactory(slug="kg-shirt")

    html = client.get("/sitemap-kg-products.xml").text

    assert re.search(r"<lastmod>\d{4}-\d{2}-\d{2}", html)


def test_a_markets_category_sitemap_lists_its_active_categories_and_subcategories(client, db):
    men = CategoryFactory(slug="men", market="ALL")
    SubcategoryFactory(category=men, slug="shirts")
    SubcategoryFactory(category=men, slug="archive", is_active=False)
    CategoryFactory(slug="kalpak", market="KG")
    CategoryFactory(slug="americana", market="US")
    CategoryFactory(slug="retired", is_active=False)

    kg = sitemap_locations(client, "/sitemap-kg-categories.xml")

    assert sorted(kg) == [
        "http://testserver/kg/c/kalpak/",
        "http://testserver/kg/c/men/",
        "http://testserver/kg/c/men/shirts/",
    ]
    assert "http://testserver/us/c/americana/" in sitemap_locations(client, "/sitemap-us-categories.xml")


def test_an_unknown_sitemap_section_is_not_found(client, db):
    assert client.get("/sitemap-fr-products.xml").status_code == 404
