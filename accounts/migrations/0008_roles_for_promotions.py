from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_roles_for_reviews_app"),
        ("promotions", "0001_sales_and_discount_codes"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
