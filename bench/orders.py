"""The benchmark's shoppers and orders, and the KG market manager who reads them in the admin.

Orders are spread over the last two years (one a minute, the newest now), 60 % KG and 40 % US,
in every status, each with the market, amounts and customer of its shopper; a shopper has 20
orders on average. They carry no items: the admin's order list and the join the benchmark
compares read the orders and their shoppers only. Order numbers start `MB-`, bench shoppers'
emails end `@bench.marque.example`: that is how a rerun recognises them.
"""

from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import ManagedMarket, User
from accounts.roles import MARKET_MANAGER
from bench.bulk_sql import insert_select, literal_rows, minutes_before, numbers
from checkout.models import Order
from storefront.markets import Currency, Language, Market

ORDER_PREFIX = "MB-"
SHOPPER_DOMAIN = "@bench.marque.example"
ORDERS_PER_SHOPPER = 20
MAX_SHOPPERS = 50_000
MANAGER_PHONE = "+996700009001"
MANAGER_PASSWORD = "bench-manager-kg"  # noqa: S105 - a benchmark database's staff user, documented
KG_VAT = "0.12"
US_TAX = "0.07"

S, P, M = Order.Status, Order.PaymentStatus, Order.PaymentMethod
# Statuses in turn: half delivered, as a shop's history is.
STATUSES = (
    (S.DELIVERED, P.PAID),
    (S.DELIVERED, P.PAID),
    (S.SHIPPED, P.PAID),
    (S.DELIVERED, P.PAID),
    (S.CONFIRMED, P.PAID),
    (S.PENDING, P.PENDING),
    (S.CANCELLED, P.FAILED),
    (S.DELIVERED, P.PAID),
    (S.SHIPPED, P.PAID),
    (S.DELIVERED, P.PAID),
)


def bench_orders():
    return Order.objects.filter(order_number__startswith=ORDER_PREFIX)


def foreign_orders():
    """Orders this loader did not make (never touched)."""
    return Order.objects.exclude(order_number__startswith=ORDER_PREFIX)


def bench_shoppers():
    return User.objects.filter(email__endswith=SHOPPER_DOMAIN)


def orders_loaded(count):
    return bench_orders().count() == count


def shoppers_for(orders):
    return max(1, min(MAX_SHOPPERS, orders // ORDERS_PER_SHOPPER))


def clear_orders():
    """Remove the benchmark's orders (with what hangs from them) and its shoppers."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # Every order is the benchmark's (checked before): TRUNCATE is instant where DELETE crawls.
            cursor.execute(f"TRUNCATE {Order._meta.db_table} RESTART IDENTITY CASCADE")
            cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE email LIKE %s", ["%" + SHOPPER_DOMAIN])
    else:
        bench_orders().delete()
        bench_shoppers().delete()


def load_orders(count, *, now):
    """`count` orders of `shoppers_for(count)` shoppers; returns rows per table."""
    with transaction.atomic():
        _shoppers(shoppers_for(count), now=now)
        if count:
            _orders(count, shoppers_for(count), now=now)
    return {"shoppers": bench_shoppers().count(), "orders": bench_orders().count()}


def _shoppers(count, *, now):
    """Shoppers 0…count-1: three in five in KG (+99655…), the others in the US (+1212…)."""
    series, params = numbers("s", count)
    kg = "s.n %% 5 < 3"
    insert_select(
        User,
        {
            "phone": f"CASE WHEN {kg} THEN '+99655' ELSE '+1212' END || (2000000 + s.n)",
            "full_name": "'Bench Shopper ' || s.n",
            "email": f"'shopper-' || s.n || '{SHOPPER_DOMAIN}'",
            "password": "'!bench'",  # an unusable password: nobody signs in as them
            "market": f"CASE WHEN {kg} THEN '{Market.KG.value}' ELSE '{Market.US.value}' END",
            "language": f"CASE WHEN {kg} THEN '{Language.RU.value}' ELSE '{Language.EN.value}' END",
            "currency": f"CASE WHEN {kg} THEN '{Currency.KGS.value}' ELSE '{Currency.USD.value}' END",
            "country": f"CASE WHEN {kg} THEN 'KG' ELSE 'US' END",
            "is_verified": ("%s", [True]),
            "date_joined": minutes_before(now, "1000000 + s.n"),
        },
        series,
        params,
    )


def _orders(count, shoppers, *, now):
    series, series_params = numbers("s", count)
    statuses, status_params = literal_rows(
        "st", ("n", "status", "payment_status"), [(n, s.value, p.value) for n, (s, p) in enumerate(STATUSES)]
    )
    kg = f"u.market = '{Market.KG.value}'"
    # Shopper n places orders n, n + shoppers, n + 2 × shoppers…; amounts come from the order's number.
    shopper = (
        f"(SELECT id, market, phone, full_name, ROW_NUMBER() OVER (ORDER BY id) - 1 AS n "
        f"FROM {User._meta.db_table} WHERE email LIKE %s) AS u"
    )
    priced = (
        f"(SELECT s.n AS n, u.id AS user_id, u.market AS market, u.phone AS phone, u.full_name AS full_name, "
        f"CASE WHEN {kg} THEN 1990 + ((s.n * 37) %% 200) * 100 ELSE 40.99 + (s.n * 37) %% 300 END AS subtotal, "
        f"CASE WHEN {kg} THEN 0 WHEN (s.n * 37) %% 300 >= 60 THEN 0 ELSE 9.99 END AS shipping "
        f"FROM {series} JOIN {shopper} ON u.n = s.n %% {shoppers}) AS o"
    )
    taxed = (
        f"(SELECT o.*, CASE WHEN o.market = '{Market.KG.value}' THEN ROUND(o.subtotal * {KG_VAT} / (1 + {KG_VAT}), 2) "
        f"ELSE ROUND(o.subtotal * {US_TAX}, 2) END AS tax FROM {priced}) AS t"
    )
    us = f"t.market <> '{Market.KG.value}'"
    placed = minutes_before(now, f"{count} - t.n")
    insert_select(
        Order,
        {
            "order_number": f"'{ORDER_PREFIX}' || t.n",
            "user_id": "t.user_id",
            "market": "t.market",
            "currency": f"CASE WHEN {us} THEN '{Currency.USD.value}' ELSE '{Currency.KGS.value}' END",
            "status": "st.status",
            "payment_status": "st.payment_status",
            "customer_name": "t.full_name",
            "customer_phone": "t.phone",
            "delivery_address": f"CASE WHEN {us} THEN (t.n %% 900 + 1) || ' Broadway' "
            "ELSE 'Chui Avenue ' || (t.n %% 300 + 1) END",
            "delivery_city": f"CASE WHEN {us} THEN 'New York' ELSE 'Bishkek' END",
            "delivery_state": f"CASE WHEN {us} THEN 'NY' ELSE '' END",
            "delivery_postal_code": f"CASE WHEN {us} THEN '10001' ELSE '' END",
            "payment_method": f"CASE WHEN {us} THEN '{M.CARD.value}' WHEN t.n %% 2 = 0 THEN '{M.CASH.value}' "
            f"ELSE '{M.BANK_TRANSFER.value}' END",
            "subtotal": "t.subtotal",
            "shipping_cost": "t.shipping",
            "tax": "t.tax",
            "tax_included": f"NOT ({us})",
            "tax_rate": f"CASE WHEN {us} THEN {US_TAX} ELSE {KG_VAT} END",
            # VAT is inside KG prices; US sales tax is added on top.
            "total_amount": f"CASE WHEN {us} THEN ROUND(t.subtotal + t.shipping + t.tax, 2) "
            "ELSE ROUND(t.subtotal + t.shipping, 2) END",
            "order_date": placed,
            "created_at": placed,
            "updated_at": placed,
        },
        f"{taxed} JOIN {statuses} ON st.n = t.n %% {len(STATUSES)}",
        [*series_params, "%" + SHOPPER_DOMAIN, *status_params],
    )


def ensure_manager():
    """The KG market manager (staff, the Market manager role, KG assigned), with a known password."""
    manager = User.objects.filter(phone=MANAGER_PHONE).first() or User(phone=MANAGER_PHONE)
    manager.full_name = "Bench KG manager"
    manager.is_staff = True
    manager.is_verified = True
    manager.set_password(MANAGER_PASSWORD)
    manager.save()
    manager.groups.add(Group.objects.get(name=MARKET_MANAGER))
    ManagedMarket.objects.get_or_create(user=manager, market=Market.KG)
    return manager
