from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_admin_roles"),
        ("checkout", "0004_state_sales_tax_rates"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
