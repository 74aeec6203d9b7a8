from django.db import migrations


def rebuild_on_next_sweep(apps, schema_editor):
    """The daily figures were days of UTC; they are now days of each market's time zone. The
    next sweep (every five minutes) rebuilds every day when it has never run."""
    apps.get_model("dashboard", "RollupState").objects.update(swept_at=None)


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0003_dashboard_for_merchandisers")]

    operations = [migrations.RunPython(rebuild_on_next_sweep, migrations.RunPython.noop)]
