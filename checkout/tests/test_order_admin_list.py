"""A market manager's order list, built to stay fast at a million orders.

Their market only, newest first; a count that stops at its bound ("5000+"); months counted back
from today instead of a date hierarchy; order numbers found by their MQ- prefix; sorting by date
only; a fixed handful of queries, none of which counts every order; each query served by an index.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import KGUserFactory, USUserFactory, staff_in_role
from checkout.admin import OrderAdmin, OrderMonthFilter
from checkout.models import Order
from checkout.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:checkout_order_changelist")
BISHKEK = ZoneInfo("Asia/Bishkek")  # a KG manager's admin shows dates in their market's time zone


@pytest.fixture
def manager(client):
    client.force_login(staff_in_role(MARKET_MANAGER, "KG"))
    return client


def placed_at(when, **fields):
    order = OrderFactory(**fields)
    Order.objects.filter(pk=order.pk).update(created_at=when, order_date=when)
    order.refresh_from_db()
    return order


def us_order(**fields):
    return OrderFactory(user=USUserFactory(), delivery_city="Chicago", **fields)


def listed(client, query="", **params):
    response = client.get(ORDERS + query, params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def is_refused(client, query):
    """The admin's answer to a lookup it cannot read: back to the list, flagged, never an error page."""
    response = client.get(ORDERS + query)
    return response.status_code == 302 and response["Location"] == f"{ORDERS}?e=1"


# --- the list -----------------------------------------------------------------------------------


def test_the_manager_lists_only_their_markets_orders_newest_first(manager):
    now = timezone.now()
    older, newer = placed_at(now - timedelta(days=2)), placed_at(now - timedelta(days=1))
    placed_at(now, user=USUserFactory())

    assert listed(manager) == [newer, older]


@pytest.fixture
def bound(monkeypatch):
    """The list counts up to 4 orders, 2 a page (as it counts up to 5000, 50 a page)."""
    monkeypatch.setattr(OrderAdmin, "count_limit", 4)
    monkeypatch.setattr(OrderAdmin, "list_per_page", 2)
    monkeypatch.setattr(OrderAdmin, "list_max_show_all", 3)


def paginator_text(html):
    return " ".join(re.search(r'<nav class="paginator".*?</nav>', html, re.S).group(0).split())


def test_past_its_bound_the_count_reads_with_a_plus_and_the_pages_stop_there(manager, bound):
    OrderFactory.create_batch(6)
    us_order()

    response = manager.get(ORDERS)

    html = response.text
    assert str(response.context["cl"].result_count) == "4+"
    pagination = paginator_text(html)
    assert "4+ orders" in pagination and pagination.index(">2<") < pagination.index("…")
    assert "Show all" not in pagination
    assert "4+ results" in html and "Select all 4+ orders" in html
    assert len(listed(manager, "?p=2")) == 2
    assert is_refused(manager, "?p=3")


def test_under_its_bound_the_count_is_exact(manager, bound):
    OrderFactory.create_batch(3)

    response = manager.get(ORDERS)

    assert str(response.context["cl"].result_count) == "3"
    pagination = paginator_text(response.text)
    assert "3 orders" in pagination and "…" not in pagination and "+" not in pagination


def test_the_list_costs_the_same_few_queries_and_never_counts_every_order(manager, django_assert_max_num_queries):
    counts = []
    for rows in (3, 30):
        OrderFactory.create_batch(rows - Order.objects.count())
        manager.get(ORDERS)  # warm caches so both counts compare alike
        with django_assert_max_num_queries(7) as captured:
            response = manager.get(ORDERS)
        assert response.context["cl"].result_count == rows
        counting = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"]]
        assert len(counting) == 1 and "LIMIT 5001" in counting[0]
        counts.append(len(captured))

    assert counts[0] == counts[1]


# --- months -------------------------------------------------------------------------------------


def month_filter(response):
    [spec] = [spec for spec in response.context["cl"].filter_specs if isinstance(spec, OrderMonthFilter)]
    return spec


def test_the_month_filter_offers_the_last_twelve_months_counted_from_today_not_from_the_orders(manager):
    placed_at(timezone.now() - timedelta(days=800))  # the data would say: one month, two years ago

    values = [value for value, _label in month_filter(manager.get(ORDERS)).lookup_choices]

    first = timezone.localdate(timezone=BISHKEK).replace(day=1)
    expected = []
    for _ in range(12):
        expected.append(f"{first:%Y-%m}")
        first = (first - timedelta(days=1)).replace(day=1)
    assert values == expected
    assert not manager.get(ORDERS).context["cl"].date_hierarchy


def test_a_month_lists_its_own_orders_from_its_first_moment_to_its_last(manager):
    this_month = datetime.combine(timezone.localdate(timezone=BISHKEK).replace(day=1), time(), tzinfo=BISHKEK)
    last_month = datetime.combine((this_month.date() - timedelta(days=1)).replace(day=1), time(), tzinfo=BISHKEK)
    first_moment = placed_at(last_month)
    last_moment = placed_at(this_month - timedelta(microseconds=1), status=Order.Status.CONFIRMED)
    placed_at(this_month)
    placed_at(last_month - timedelta(microseconds=1))
    placed_at(last_month + timedelta(days=3), user=USUserFactory())

    html = manager.get(ORDERS).text
    assert f'href="?month={last_month:%Y-%m}"' in html
    assert listed(manager, f"?month={last_month:%Y-%m}") == [last_moment, first_moment]
    assert listed(manager, f"?month={last_month:%Y-%m}&status__exact=confirmed") == [last_moment]


def test_an_older_month_can_be_asked_for_by_its_address(manager):
    old = placed_at(datetime(2023, 2, 14, 12, tzinfo=BISHKEK))
    assert listed(manager, "?month=2023-02") == [old]


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "0000-01", "9999-12", "2026-1", "junk", "2026-01-01"])
def test_a_month_that_is_not_one_is_refused_without_an_error_page(manager, month):
    OrderFactory()
    assert is_refused(manager, f"?month={month}")


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def numbered():
    return {
        "ABCD": OrderFactory(order_number="MQ-ABCD2345"),
        "ABXY": OrderFactory(order_number="MQ-ABXY6789"),
        "US": us_order(order_number="MQ-ABCD9999"),
    }


def test_an_order_number_is_found_by_its_mq_prefix_in_any_case(manager, numbered):
    assert listed(manager, q="MQ-ABCD2345") == [numbered["ABCD"]]
    assert listed(manager, q=" mq-abcd2345 ") == [numbered["ABCD"]]
    assert set(listed(manager, q="MQ-AB")) == {numbered["ABCD"], numbered["ABXY"]}


def test_another_markets_order_number_is_not_found(manager, numbered):
    assert listed(manager, q="MQ-ABCD9999") == []
    assert listed(manager, q="MQ-ABCD") == [numbered["ABCD"]]


def test_phones_are_found_by_their_digits_and_names_by_any_part(manager):
    aida = OrderFactory(user=KGUserFactory(phone="+996700987654"), customer_name="Aida Bekova")
    OrderFactory(customer_name="Bolot Asanov")
    us_order(customer_name="Aida Smith")

    for term in ("700987654", "+996 700 98 76 54", "(700) 987-654", "aida", "BEKOVA", "da bek"):
        assert listed(manager, q=term) == [aida], term


# --- sorting ------------------------------------------------------------------------------------


def sortable_columns(html):
    return set(re.findall(r'<th scope="col" class="sortable column-(\w+)', html))


def column(name):
    return ("action_checkbox", *OrderAdmin.list_display).index(name)


def test_only_the_order_date_is_offered_for_sorting(manager):
    OrderFactory()
    assert sortable_columns(manager.get(ORDERS).text) == {"placed"}


def test_a_row_gives_the_customer_over_their_phone_and_the_payment_over_its_method(manager):
    placed_at(timezone.now(), customer_name="Zarina", customer_phone="+996555000111", payment_method="cash")

    html = manager.get(ORDERS).text

    assert 'Zarina<br><span class="quiet">+996555000111</span>' in html
    assert 'Awaiting payment<br><span class="quiet">Cash on delivery</span>' in html
    headings = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', html)
    assert headings == ["order_number", "placed", "customer", "status", "payment", "total"]


def test_asking_to_sort_by_an_unindexed_column_keeps_the_newest_first(manager):
    now = timezone.now()
    dear = placed_at(now, customer_name="Zarina")
    cheap = placed_at(
        now - timedelta(days=1), customer_name="Aibek", subtotal="10.00", tax="1.07", total_amount="260.00"
    )

    for name in ("total", "customer", "payment", "status"):
        assert listed(manager, f"?o={column(name)}") == [dear, cheap], name
    assert listed(manager, f"?o={column('placed')}") == [cheap, dear]
    assert listed(manager, f"?o=-{column('placed')}") == [dear, cheap]


# --- the indexes --------------------------------------------------------------------------------


def newest_first(queryset):
    return queryset.order_by("-created_at", "-id")[:51]


@pytest.mark.parametrize(
    ("read", "index"),
    [
        (lambda: newest_first(Order.objects.in_markets(["KG"])), "order_market_created_idx"),
        (lambda: newest_first(Order.objects.in_markets(["KG"]).filter(status="shipped")), "order_market_status_date"),
        (lambda: newest_first(Order.objects.in_markets(["KG"]).filter(payment_status="failed")), "order_market_paid"),
        (lambda: Order.objects.matching("MQ-ABCD").order_by(), "checkout_order_order_number_"),
        (lambda: Order.objects.matching("700987").order_by(), "order_customer_phone_trgm"),
        (lambda: Order.objects.matching("Bekova").order_by(), "order_customer_name_trgm"),
    ],
    ids=["market", "market-and-status", "market-and-payment-status", "number", "phone", "name"],
)
def test_each_read_of_the_list_has_an_index(read, index, index_plan):
    OrderFactory.create_batch(3)
    us_order()
    plan = index_plan(read())
    assert re.search(rf"(using|Index Scan on) {index}", plan), plan


def test_a_one_market_manager_s_list_has_no_market_column_and_a_superuser_s_has(manager, client, admin_user):
    OrderFactory()
    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', manager.get(ORDERS).text)
    assert "order_number" in columns and "status" in columns and "market" not in columns

    client.force_login(admin_user)
    assert "column-market" in client.get(ORDERS).text
