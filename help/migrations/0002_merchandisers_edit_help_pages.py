from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("help", "0001_help_pages"),
        ("accounts", "0008_roles_for_promotions"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
