from django.db import migrations


def sync(apps, schema_editor):
    from accounts.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_stripe_customer"),
        ("catalog", "0005_review_moderation_and_votes"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
