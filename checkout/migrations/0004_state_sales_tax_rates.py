"""Statewide base sales tax rates for US orders, as a starting point staff keep current in the admin.

Local (county and city) rates are not included; states without a sales tax start at 0.
"""

from decimal import Decimal

from django.db import migrations

RATES = {
    "AL": "0.04", "AK": "0", "AZ": "0.056", "AR": "0.065", "CA": "0.0725", "CO": "0.029",
    "CT": "0.0635", "DE": "0", "DC": "0.06", "FL": "0.06", "GA": "0.04", "HI": "0.04",
    "ID": "0.06", "IL": "0.0625", "IN": "0.07", "IA": "0.06", "KS": "0.065", "KY": "0.06",
    "LA": "0.05", "ME": "0.055", "MD": "0.06", "MA": "0.0625", "MI": "0.06", "MN": "0.06875",
    "MS": "0.07", "MO": "0.04225", "MT": "0", "NE": "0.055", "NV": "0.0685", "NH": "0",
    "NJ": "0.06625", "NM": "0.04875", "NY": "0.04", "NC": "0.0475", "ND": "0.05", "OH": "0.0575",
    "OK": "0.045", "OR": "0", "PA": "0.06", "RI": "0.07", "SC": "0.06", "SD": "0.042",
    "TN": "0.07", "TX": "0.0625", "UT": "0.061", "VT": "0.06", "VA": "0.053", "WA": "0.065",
    "WV": "0.06", "WI": "0.05", "WY": "0.04",
}  # fmt: skip
# States that tax delivery charges on taxable goods.
TAXES_SHIPPING = {
    "AR", "CT", "GA", "HI", "IN", "KS", "KY", "MI", "MN", "MS", "NE", "NJ", "NM", "NY",
    "NC", "ND", "OH", "PA", "RI", "SC", "SD", "TN", "TX", "VT", "WA", "WV", "WI",
}  # fmt: skip


def add_rates(apps, schema_editor):
    SalesTaxRate = apps.get_model("checkout", "SalesTaxRate")
    for state, rate in RATES.items():
        SalesTaxRate.objects.get_or_create(
            state=state, defaults={"rate": Decimal(rate), "taxes_shipping": state in TAXES_SHIPPING}
        )


class Migration(migrations.Migration):
    dependencies = [("checkout", "0003_checkout_payments_and_sales_tax")]

    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
