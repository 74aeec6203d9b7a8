"""Reviews move to the reviews app: their tables are renamed to the new app's names and the models
leave catalog's state (reviews.0001 takes them over without touching a row)."""

from django.db import migrations

MOVED = {"reviewvote": "reviews_reviewvote", "reviewimage": "reviews_reviewimage", "review": "reviews_review"}


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_content_translations"),
        ("checkout", "0004_state_sales_tax_rates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name=name, table=table) for name, table in MOVED.items()],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
