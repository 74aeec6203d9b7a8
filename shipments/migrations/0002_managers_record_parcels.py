from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("shipments", "0001_parcels"),
        ("accounts", "0009_relation_verbose_names"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
