from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    # After the newest migration of every app the roles name, so no role loses a permission.
    dependencies = [
        ("dashboard", "0002_dashboard_for_market_managers"),
        ("accounts", "0009_relation_verbose_names"),
        ("catalog", "0013_product_renditions_productimage_renditions"),
        ("marketing", "0004_banner_renditions"),
        ("checkout", "0007_relation_verbose_names"),
        ("reviews", "0003_reviewimage_renditions"),
        ("promotions", "0001_sales_and_discount_codes"),
        ("shipments", "0002_managers_record_parcels"),
        ("returns", "0002_roles_for_returns"),
        ("alerts", "0002_merchandisers_see_alerts"),
        ("help", "0002_merchandisers_edit_help_pages"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
