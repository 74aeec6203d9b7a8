"""The catalog as a spreadsheet in the admin: export, a previewing dry run, an import that keeps all
rows or none, errors in plain words, and the audit log naming who imported."""

import csv
import io
from decimal import Decimal

import pytest
import tablib
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import MERCHANDISER
from accounts.tests.factories import staff_in_role
from catalog.models import SKU, MarketPrice, Product
from catalog.tests.factories import CategoryFactory, ProductFactory, SKUFactory, SubcategoryFactory

CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture
def merchandiser(db):
    return staff_in_role(MERCHANDISER)


@pytest.fixture
def staff_client(client, merchandiser):
    client.force_login(merchandiser)
    return client


@pytest.fixture
def catalog(db):
    """A KG shirt with two SKUs and a dress sold in ALL with a fixed KG price."""
    men = CategoryFactory(slug="men", market="ALL")
    shirts = SubcategoryFactory(category=men, slug="shirts")
    shirt = ProductFactory(
        slug="oxford", name="Oxford", name_ru="Оксфорд", category=men, subcategory=shirts, price="2990"
    )
    SKUFactory(product=shirt, sku_code="OX-S", size="S", color="Blue", stock=4)
    SKUFactory(product=shirt, sku_code="OX-M", size="M", color="Blue", stock=0)
    dress = ProductFactory(slug="wrap-dress", market="ALL", category=men, subcategory=None, price="49.99")
    SKUFactory(product=dress, sku_code="WD-1", size="S", color="Red", price="49.99", stock=2)
    MarketPrice.objects.create(product=dress, market="KG", price="4290")
    return {"shirt": shirt, "dress": dress}


def export(client, file_format=CSV_FORMAT):
    response = client.post(reverse("admin:catalog_product_export"), {"format": file_format})
    assert response.status_code == 200, response.content[:500]
    return response.content


def rows_of(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def to_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def preview(client, content, file_format=CSV_FORMAT, name="catalog.csv"):
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("admin:catalog_product_import"), {"import_file": upload, "format": file_format})


def confirm(client, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse("admin:catalog_product_process_import"), data)


def snapshot():
    return (
        list(Product.objects.order_by("pk").values_list("slug", "name", "price", "is_active", "in_stock", "category")),
        list(SKU.objects.order_by("pk").values_list("sku_code", "price", "stock", "is_active")),
        list(MarketPrice.objects.order_by("pk").values_list("product", "market", "price", "original_price")),
    )


def test_export_has_one_row_per_sku_with_product_columns_and_market_prices(staff_client, catalog):
    rows = rows_of(export(staff_client))
    assert [row["sku_code"] for row in rows] == ["OX-M", "OX-S", "WD-1"]
    shirt = rows[0]
    assert (shirt["product"], shirt["name_en"], shirt["name_ru"]) == ("oxford", "Oxford", "Оксфорд")
    assert shirt["market"] == "KG"
    assert (shirt["category"], shirt["subcategory"], shirt["product_price"]) == ("men", "shirts", "2990")
    dress = rows[2]
    assert (dress["kg_price"], dress["us_price"], dress["price"], dress["active"]) == ("4290", "", "49.99", "yes")


@pytest.mark.parametrize("file_format", [CSV_FORMAT, XLSX_FORMAT])
def test_export_then_import_changes_nothing(staff_client, catalog, file_format):
    before = snapshot()
    content = export(staff_client, file_format)
    name = "catalog.xlsx" if file_format == XLSX_FORMAT else "catalog.csv"
    response = preview(staff_client, content, file_format, name)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 3 and result.totals["update"] == 0 and result.totals["new"] == 0
    entries = LogEntry.objects.count()
    response = confirm(staff_client, response)
    assert response.status_code == 302
    assert snapshot() == before
    assert LogEntry.objects.count() == entries


def test_dry_run_previews_changes_and_writes_nothing(staff_client, catalog):
    rows = rows_of(export(staff_client))
    rows[0]["stock"] = "7"
    rows[0]["name_en"] = rows[1]["name_en"] = "Oxford Shirt"
    rows.append({**rows[0], "sku_code": "OX-L", "size": "L", "stock": "3"})
    before = snapshot()
    entries = LogEntry.objects.count()
    response = preview(staff_client, to_csv(rows))
    result = response.context["result"]
    assert response.context["problems"] == []
    # The second row of the renamed product finds it renamed already: its change shows once.
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (1, 1, 2)
    assert "Save these changes" in response.content.decode()
    assert snapshot() == before
    assert LogEntry.objects.count() == entries
    assert not SKU.objects.filter(sku_code="OX-L").exists()


def test_confirmed_import_writes_every_row_and_keeps_in_stock_right(staff_client, catalog, merchandiser):
    rows = rows_of(export(staff_client))
    rows[0]["stock"] = "7"  # OX-M had none: the shirt stays in stock
    rows[2]["stock"] = "0"  # the dress's only SKU runs out
    rows[2]["kg_price"] = "4490"
    rows.append(
        {
            **rows[0],
            "product": "linen-trousers",
            "name_en": "Linen Trousers",
            "name_ru": "Льняные брюки",
            "name_ky": "Зыгыр шым",
            "subcategory": "",
            "product_price": "3490",
            "sku_code": "LT-32",
            "size": "32",
            "price": "3490",
            "stock": "5",
        }
    )
    response = confirm(staff_client, preview(staff_client, to_csv(rows)))
    assert response.status_code == 302
    assert SKU.objects.get(sku_code="OX-M").stock == 7
    catalog["dress"].refresh_from_db()
    assert catalog["dress"].in_stock is False
    trousers = Product.objects.get(slug="linen-trousers")
    assert (trousers.name_ru, trousers.price, trousers.in_stock) == ("Льняные брюки", Decimal("3490.00"), True)
    assert trousers.skus.get().stock == 5
    # The audit log names who imported, with the stock before and after.
    entry = LogEntry.objects.get_for_object(SKU.objects.get(sku_code="OX-M")).latest("timestamp")
    assert entry.actor == merchandiser
    assert entry.changes_dict["stock"] == ["0", "7"]
    fixed = MarketPrice.objects.get(product=catalog["dress"], market="KG")
    entry = LogEntry.objects.get_for_object(fixed).latest("timestamp")
    assert (entry.actor, entry.changes_dict["price"]) == (merchandiser, ["4290.00", "4490.00"])


def test_an_invalid_row_anywhere_keeps_the_whole_file_out(staff_client, catalog):
    rows = rows_of(export(staff_client))
    rows[0]["stock"] = "9"
    rows[2]["kg_price"] = "4290.50"  # row 4 of the spreadsheet
    before = snapshot()
    response = preview(staff_client, to_csv(rows))
    page = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "Row 4: price for KG must be a whole number of som." in page
    assert "Nothing was imported" in page
    assert snapshot() == before


def test_the_confirmed_import_keeps_nothing_when_a_row_turned_invalid(staff_client, catalog):
    rows = rows_of(export(staff_client))
    rows[0]["stock"] = "9"
    rows[2]["color"] = "Blue Night"
    response = preview(staff_client, to_csv(rows))
    # Between the preview and the confirmation, another SKU takes the size and color row 4 asks for.
    SKUFactory(product=catalog["dress"], sku_code="WD-2", size="S", color="Blue Night")
    before = snapshot()
    response = confirm(staff_client, response)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:catalog_product_import")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("kg_price", "12.5", "Row 2: price for KG must be a whole number of som."),
        ("price", "abc", "Row 2: SKU price must be a number, such as 1290 or 24.99 (you wrote “abc”)."),
        ("price", "-3", "Row 2: SKU price must be more than zero."),
        ("us_price", "24.999", "Row 2: price for US must be in dollars and cents, such as 24.99."),
        ("stock", "2.5", "Row 2: stock must be a whole number, 0 or more (you wrote “2.5”)."),
        ("market", "EU", "Row 2: market must be KG, US or ALL."),
        ("category", "nowhere", "Row 2: there is no category “nowhere”."),
    ],
)
def test_wrong_values_are_refused_in_plain_words(staff_client, catalog, column, value, message):
    rows = [row for row in rows_of(export(staff_client)) if row["sku_code"] == "WD-1"]
    rows[0][column] = value
    response = preview(staff_client, to_csv(rows))
    assert message in response.content.decode()
    assert response.context["confirm_form"] is None if "confirm_form" in response.context else True


def test_a_fixed_price_for_a_market_that_does_not_sell_the_product_is_refused(staff_client, catalog):
    rows = [row for row in rows_of(export(staff_client)) if row["sku_code"] == "OX-S"]
    rows[0]["us_price"] = "39.99"
    response = preview(staff_client, to_csv(rows))
    assert "Row 2: the product is not sold in US, so it has no price there." in response.content.decode()


def test_rows_of_one_product_must_agree(staff_client, catalog):
    rows = rows_of(export(staff_client))
    rows[1]["brand"] = "Someone Else"
    response = preview(staff_client, to_csv(rows))
    assert "Row 3: the product columns differ from row 2" in response.content.decode()


def test_a_file_of_stock_alone_updates_stock(staff_client, catalog):
    content = b"sku_code,stock\nOX-S,0\nOX-M,0\n"
    confirm(staff_client, preview(staff_client, content))
    catalog["shirt"].refresh_from_db()
    assert catalog["shirt"].in_stock is False
    assert catalog["shirt"].name == "Oxford"


def test_a_file_without_sku_codes_is_refused_in_plain_words(staff_client, catalog):
    response = preview(staff_client, b"product,stock\noxford,3\n")
    assert "The file has no sku_code column." in response.content.decode()


def test_errors_read_in_russian(staff_client, catalog, merchandiser):
    rows = [row for row in rows_of(export(staff_client)) if row["sku_code"] == "WD-1"]
    rows[0]["kg_price"] = "12.5"
    merchandiser.language = "ru"
    merchandiser.save(update_fields=["language"])
    response = preview(staff_client, to_csv(rows))
    assert "Строка 2: цена для KG должна быть целым числом сомов." in response.content.decode()


def test_xlsx_numbers_are_read_as_amounts(staff_client, catalog):
    data = tablib.Dataset(headers=["sku_code", "price", "stock"])
    data.append(["WD-1", 39.99, 6])
    response = preview(staff_client, data.export("xlsx"), XLSX_FORMAT, "stock.xlsx")
    assert response.context["result"].totals["update"] == 1
    confirm(staff_client, response)
    sku = SKU.objects.get(sku_code="WD-1")
    assert (sku.price, sku.stock) == (Decimal("39.99"), 6)


def test_staff_without_change_permission_cannot_import_or_see_the_button(client, catalog, django_user_model):
    viewer = django_user_model.objects.create_user(phone="+996555000111", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_product", "view_sku"]))
    client.force_login(viewer)
    assert preview(client, b"sku_code,stock\nOX-S,0\n").status_code == 403
    page = client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert reverse("admin:catalog_product_import") not in page
    assert reverse("admin:catalog_product_export") in page
