"""A merchandiser imports a catalog spreadsheet in the admin: a preview first, then the saved
changes; a file with a wrong price is refused with its row named. Screenshots of both pages, in
English and Russian, go to the folder MARQUE_SCREENSHOTS names, when it is set."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import MERCHANDISER
from accounts.tests.factories import staff_in_role
from catalog.models import SKU
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = "product,name_en,name_ru,market,category,subcategory,product_price,kg_price,sku_code,size,color,price,stock\n"


@pytest.fixture
def shirt():
    men = CategoryFactory(name="Men", slug="men", market="ALL")
    shirts = SubcategoryFactory(category=men, name="Shirts", slug="shirts")
    product = ProductFactory(name="Oxford", slug="oxford", category=men, subcategory=shirts, price="2990")
    SKUFactory(product=product, sku_code="OX-S", size="S", color="Blue", stock=4)
    return product


def shoot(page, name):
    if folder := os.environ.get("MARQUE_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def upload(page, live_server, content, name="catalog.csv"):
    page.goto(live_server.url + "/admin/catalog/product/import/")
    page.get_by_label(re.compile("File to import|Файл для импорта")).set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("input[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_merchandiser_previews_then_saves_an_import(page, live_server, browser_sign_in, shirt, language):
    merchandiser = staff_in_role(MERCHANDISER, language=language)
    browser_sign_in(merchandiser)
    page.set_viewport_size({"width": 1440, "height": 900})

    good = HEADER + (
        "oxford,Oxford,Оксфорд,KG,men,shirts,2990,,OX-S,S,Blue,2990,9\n"
        "oxford,Oxford,Оксфорд,KG,men,shirts,2990,,OX-M,M,Blue,2990,5\n"
    )
    upload(page, live_server, good)
    expect(page.locator(".marque-import-summary")).to_be_visible()
    shoot(page, f"import-preview-1440-{language}.png")
    assert SKU.objects.count() == 1
    page.locator("input[name=confirm]").click()
    expect(page).to_have_url(re.compile(r"/admin/catalog/product/$"))
    assert dict(SKU.objects.values_list("sku_code", "stock")) == {"OX-S": 9, "OX-M": 5}

    bad = HEADER + (
        "oxford,Oxford,Оксфорд,KG,men,shirts,2990,,OX-S,S,Blue,2990,1\n"
        "oxford,Oxford,Оксфорд,KG,men,shirts,2990,,OX-M,M,Blue,2990.50,1\n"
    )
    upload(page, live_server, bad)
    problems = page.locator(".marque-import-problems")
    expected = {
        "en": "Row 3: SKU price must be a whole number of som.",
        "ru": "Строка 3: цена SKU должна быть целым числом сомов.",
    }[language]
    expect(problems).to_contain_text(expected)
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    shoot(page, f"import-error-1440-{language}.png")
    assert dict(SKU.objects.values_list("sku_code", "stock")) == {"OX-S": 9, "OX-M": 5}


def test_a_merchandiser_moves_products_and_reads_their_history(page, live_server, browser_sign_in, shirt):
    merchandiser = staff_in_role(MERCHANDISER)
    browser_sign_in(merchandiser)
    page.set_viewport_size({"width": 1440, "height": 900})
    women = CategoryFactory(name="Women", slug="women", market="KG")

    page.goto(live_server.url + "/admin/catalog/product/")
    expect(page.get_by_role("link", name="Import")).to_be_visible()
    expect(page.get_by_role("link", name="Export")).to_be_visible()
    page.locator("#result_list input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(label="Move the selected products to a category")
    page.locator("button[name=index]").click()
    expect(page.get_by_role("heading", name="Move to a category")).to_be_visible()
    page.locator("select[name=category]").select_option(label="Women")
    shoot(page, "bulk-move-1440-en.png")
    page.get_by_role("button", name="Move the products").click()
    expect(page.get_by_text("1 product moved to Women.")).to_be_visible()

    page.goto(live_server.url + f"/admin/catalog/product/{shirt.pk}/change/")
    page.get_by_role("link", name="History").click()
    history = page.locator("#change-history")
    expect(history).to_contain_text(str(merchandiser))
    expect(history).to_contain_text(f"{shirt.category.name} → Women")
    shoot(page, "history-1440-en.png")
    assert shirt.__class__.objects.get(pk=shirt.pk).category == women
