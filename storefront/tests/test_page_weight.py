"""Page weight: the home page, a listing and a product page each come to at most 60 KB gzipped before
images, counting the HTML and every stylesheet and script the page links from the shop's static files
(read from disk: static/ and the built theme/static/css/dist/styles.css), each compressed on its own
at gzip level 6, as the server and browser exchange them. The figures are printed (`pytest -s`) and
recorded in docs/benchmarks.md ("Page weight")."""

import gzip
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from catalog.models import ExchangeRate
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory
from marketing.tests.factories import BannerFactory

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024
LINKED = re.compile(r'<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc)="([^"]+)"')


@pytest.fixture
def catalog():
    """A full first page of shirts (24 of them, each in three sizes) and a hero banner."""
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.45")})
    men = CategoryFactory(name="Men", slug="men", market="ALL")
    shirts = SubcategoryFactory(category=men, name="Shirts", slug="shirts")
    for n in range(24):
        product = ProductFactory(
            name=f"Washed Linen Shirt {n}", slug=f"shirt-{n}", market="KG", category=men, subcategory=shirts,
            price=Decimal("2990") + n * 100, image=f"products/shirt-{n}.jpg",
        )  # fmt: skip
        for size in ("S", "M", "L"):
            SKUFactory(product=product, size=size, color="Sand", stock=5)
    BannerFactory(market="KG")


def gzipped(data):
    return len(gzip.compress(data, compresslevel=6))


def static_files(html):
    """The paths of the stylesheets and scripts the page links from STATIC_URL, found on disk."""
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}"
    files = []
    for url in LINKED.findall(html):
        if not url.startswith(static_url):
            continue  # nothing from elsewhere is linked today; it would not count here
        path = finders.find(url.removeprefix(static_url).split("?")[0])
        assert path, f"{url} is linked but not among the static files"
        files.append((url, path))
    return files


@pytest.mark.parametrize("path", ["/kg/", "/kg/c/men/", "/kg/p/shirt-0/"], ids=["home", "listing", "product"])
def test_a_page_with_its_css_and_js_is_at_most_60_kb_gzipped(client, catalog, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content
    linked = static_files(html.decode())
    assert any(url.endswith("styles.css") for url, _path in linked), "the Tailwind stylesheet is not linked"

    figures = [("HTML", len(html), gzipped(html))]
    for url, file in linked:
        with open(file, "rb") as f:
            data = f.read()
        figures.append((url, len(data), gzipped(data)))
    total = sum(compressed for _name, _size, compressed in figures)

    print(f"\n{path}")
    for name, size, compressed in figures:
        print(f"  {name:<40} {size / 1024:7.1f} KB  gzip {compressed / 1024:6.1f} KB")
    print(f"  {'total':<40} {'':>10}  gzip {total / 1024:6.1f} KB (budget {BUDGET // 1024} KB)")
    assert total <= BUDGET, f"{path} weighs {total / 1024:.1f} KB gzipped before images (budget 60 KB)"
