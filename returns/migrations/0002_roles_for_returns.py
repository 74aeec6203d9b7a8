from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_returns_and_refunds"),
        ("accounts", "0009_relation_verbose_names"),
        # Every app the roles name, so the groups are set with all their permissions.
        ("catalog", "0012_translated_sku_color_feature_alt"),
        ("reviews", "0002_relation_verbose_names"),
        ("marketing", "0003_relation_verbose_names"),
        ("promotions", "0001_sales_and_discount_codes"),
        ("help", "0002_merchandisers_edit_help_pages"),
        ("checkout", "0007_relation_verbose_names"),
        ("dashboard", "0002_dashboard_for_market_managers"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
