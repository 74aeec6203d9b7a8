from decimal import Decimal

from django.db import migrations


def create_rates(apps, schema_editor):
    ExchangeRate = apps.get_model("catalog", "ExchangeRate")
    # Starting points only; staff keep them current in the admin.
    ExchangeRate.objects.get_or_create(market="KG", defaults={"rate": Decimal("87.450000")})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]

    operations = [migrations.RunPython(create_rates, migrations.RunPython.noop)]
