from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    """The roles' review permissions, now of the reviews app (kept on databases that had them)."""

    dependencies = [
        ("accounts", "0006_verification_code_language"),
        ("reviews", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
