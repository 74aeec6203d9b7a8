from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_daily_figures"),
        ("accounts", "0008_roles_for_promotions"),
        ("reviews", "0001_initial"),
        ("checkout", "0006_discount_codes_on_carts_and_orders"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
