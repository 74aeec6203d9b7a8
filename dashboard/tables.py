"""The numbers behind each chart of the dashboard: one definition gives the page's table (which
the chart script reads) and the CSV, so what is drawn, shown and downloaded is the same.

A column that is a `series` is drawn; `axis="y1"` puts it on the right-hand scale (counts beside
money, a rate beside counts).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from storefront.money import format_money

MONEY, COUNT, DAY, TEXT, PERCENT = "money", "count", "day", "text", "percent"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT
    series: bool = False
    axis: str = "y"
    draw: str = ""  # "line" beside bars


@dataclass(frozen=True)
class Table:
    title: str
    rows: str  # the Section attribute holding the rows
    columns: tuple[Column, ...]
    chart: str = "bar"  # "bar", "line", "hbar" (horizontal bars) or "" (a table only)
    empty: str = _("Nothing in this period.")


TABLES = {
    "sales": Table(
        _("Revenue and orders per day"),
        "days",
        (
            Column("day", _("Day"), DAY),
            Column("revenue", _("Revenue"), MONEY, series=True),
            Column("orders", _("Orders"), series=True, axis="y1", draw="line"),
            Column("average", _("Average order value"), MONEY),
            Column("cancelled", _("Cancelled orders")),
            Column("cancelled_amount", _("Cancelled amount"), MONEY),
            Column("items_sold", _("Items sold")),
        ),
    ),
    "statuses": Table(
        _("Orders by status"),
        "statuses",
        (Column("label", _("Status"), TEXT), Column("orders", _("Orders"), series=True)),
    ),
    "products": Table(
        _("Top products"),
        "products",
        (
            Column("product_name", _("Product"), TEXT),
            Column("sold", _("Revenue"), MONEY, series=True),
            Column("units", _("Units sold")),
        ),
        chart="hbar",
    ),
    "categories": Table(
        _("Top categories"),
        "categories",
        (
            Column("category_name", _("Category"), TEXT),
            Column("sold", _("Revenue"), MONEY, series=True),
            Column("units", _("Units sold")),
        ),
        chart="hbar",
    ),
    "codes": Table(
        _("Discount code redemptions per day"),
        "days",
        (
            Column("day", _("Day"), DAY),
            Column("code_orders", _("Redemptions"), series=True),
            Column("code_discount", _("Taken off"), MONEY, series=True, axis="y1", draw="line"),
        ),
    ),
    "top-codes": Table(
        _("Most used discount codes"),
        "codes",
        (
            Column("code", pgettext_lazy("discount", "Code"), TEXT),
            Column("uses", _("Redemptions"), series=True),
            Column("taken_off", _("Taken off"), MONEY),
        ),
        chart="hbar",
    ),
    "banners": Table(
        _("Banner views, clicks and click-through rate"),
        "banners",
        (
            Column("day", _("Day"), DAY),
            Column("views", _("Views"), series=True),
            Column("clicks", _("Clicks"), series=True),
            Column("ctr", _("Click-through rate, %"), PERCENT, series=True, axis="y1", draw="line"),
        ),
        chart="line",
    ),
    "low-stock": Table(
        _("Stock running low"),
        "low_stock",
        (
            Column("product_name", _("Product"), TEXT),
            Column("sku_code", _("SKU code"), TEXT),
            Column("size", _("Size"), TEXT),
            Column("color", _("Color"), TEXT),
            Column("stock", _("Units left")),
        ),
        chart="",
        empty=_("No SKU is running low."),
    ),
}


def _value(row, key):
    return row[key] if isinstance(row, dict) else getattr(row, key)


def _raw(value, column):
    if column.kind == DAY:
        return value.isoformat()
    if value is None:
        return str(_("No category")) if column.kind == TEXT else ""
    return str(value)


def _shown(value, column, currency):
    if column.kind == MONEY:
        return format_money(value, currency)
    if column.kind == DAY:
        return date_format(value, "j M")
    if column.kind == PERCENT:
        return number_format(value, 2)
    if column.kind == COUNT:
        return number_format(value, force_grouping=True)
    return str(value) if value is not None else str(_("No category"))


def _safe_cell(text):
    # A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text):
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def csv_rows(section, key):
    """The header and the rows of table `key` of `section`, as CSV cells (money without symbols,
    its currency in a column of its own)."""
    table = TABLES[key]
    money = any(column.kind == MONEY for column in table.columns)
    yield [str(column.label) for column in table.columns] + ([str(_("Currency"))] if money else [])
    for row in _value(section, table.rows):
        cells = [_safe_cell(_raw(_value(row, column.key), column)) for column in table.columns]
        yield cells + ([section.currency] if money else [])


def tables_of(section):
    """Every table of `section`, ready for the template: headers, and cells with the shown text and
    the raw number the chart draws."""
    tables = []
    for key, table in TABLES.items():
        rows = _value(section, table.rows)
        tables.append(
            {
                "key": key,
                "id": f"{section.slug}-{key}",
                "title": table.title,
                "chart": table.chart,
                "empty": table.empty,
                "columns": table.columns,
                "rows": [
                    [
                        {
                            "text": _shown(_value(row, column.key), column, section.currency),
                            "value": _raw(_value(row, column.key), column),
                        }
                        for column in table.columns
                    ]
                    for row in rows
                ],
            }
        )
    return tables
