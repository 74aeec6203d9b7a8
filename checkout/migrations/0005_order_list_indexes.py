"""Indexes for the order lists at millions of orders.

- `order_market_created_idx` (market, created_at DESC, id DESC): a market manager's list in the
  admin, newest first, its month filter and its count bounded at 5000 (`BoundedCountAdmin`).
- `order_market_status_date_idx` (market, status, …) and `order_market_paid_date_idx`
  (market, payment_status, …): the same list filtered by status or by payment status, whose
  bounded count would otherwise read every order of the market when a value is rare or absent.
- `order_user_created_idx` (user, created_at DESC, id DESC): a shopper's orders, on the web and
  in the API.
- On PostgreSQL, trigram indexes for the admin's search (`OrderQuerySet.matching`): customer
  names (upper-cased, as `icontains` compares) and customer phones. pg_trgm comes from
  catalog 0004. These are not model Meta indexes, so SQLite and `makemigrations` ignore them.

The (market, status) index and the one on market alone are dropped: the indexes above begin with them.
Each index is built with a plain CREATE INDEX, which holds writes to orders while it runs
(about a second per index at a million orders).
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "order_customer_name_trgm": "USING gin (upper(customer_name) gin_trgm_ops)",
    "order_customer_phone_trgm": "USING gin (customer_phone gin_trgm_ops)",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("checkout", "Order")._meta.db_table)
    for name, definition in TRIGRAM_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON {table} {definition}")


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_search"),
        ("checkout", "0004_state_sales_tax_rates"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="order", name="order_market_status_idx"),
        migrations.AlterField(
            model_name="order",
            name="market",
            field=models.CharField(
                choices=[("KG", "Kyrgyzstan"), ("US", "United States")], max_length=2, verbose_name="market"
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["market", "-created_at", "-id"], name="order_market_created_idx"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["market", "status", "-created_at", "-id"], name="order_market_status_date_idx"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["market", "payment_status", "-created_at", "-id"], name="order_market_paid_date_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["user", "-created_at", "-id"], name="order_user_created_idx"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
