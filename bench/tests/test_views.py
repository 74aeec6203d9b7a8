import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from bench.orders import MANAGER_PHONE
from checkout.models import Order

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.mark.parametrize("path", ["/bench/loop/?cards=3", "/bench/fixed/?cards=3", "/bench/admin/"])
def test_bench_pages_are_not_routed_without_bench_views(client, db, path):
    assert settings.BENCH_VIEWS is False

    assert client.get(path).status_code == 404


def test_bench_views_setting_routes_the_bench_pages():
    # The URLconf reads BENCH_VIEWS once, at start-up: a process of its own sees it on.
    probe = "import django; django.setup(); from django.urls import resolve; print(resolve('/bench/loop/').url_name)"
    env = {
        **os.environ,
        "ENV_FILE": ".env.test",
        "BENCH_VIEWS": "true",
        "DJANGO_SETTINGS_MODULE": "storefront.settings",
    }
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True, check=False
    )

    assert completed.stdout.strip() == "bench_loop", completed.stderr


@pytest.mark.urls("bench.tests.urls")
def test_loop_renders_the_cards_asked_for_without_a_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/bench/loop/?cards=3")

    assert response.status_code == 200
    assert response.content.count(b"<article") == 3
    assert len(client.get("/bench/loop/?cards=30").content) > len(response.content) * 5


@pytest.mark.urls("bench.tests.urls")
def test_fixed_serves_the_loops_html(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        fixed = client.get("/bench/fixed/?cards=12")

    assert fixed.status_code == 200
    assert fixed.content == client.get("/bench/loop/?cards=12").content


@pytest.mark.urls("bench.tests.urls")
@pytest.mark.parametrize("cards", ["many", "-1", "100000"])
def test_ceiling_pages_refuse_a_bad_card_count(client, cards):
    assert client.get(f"/bench/loop/?cards={cards}").status_code == 400
    assert client.get(f"/bench/fixed/?cards={cards}").status_code == 400


@pytest.mark.urls("bench.tests.urls")
def test_admin_copy_lists_the_managers_orders_through_the_shoppers_market(client, load_bench):
    load_bench(products=5, orders=40)
    client.force_login(User.objects.get(phone=MANAGER_PHONE), backend=PASSWORD_BACKEND)

    by_column = client.get("/admin/checkout/order/")
    by_shopper = client.get("/bench/admin/checkout/order/")

    assert by_column.status_code == by_shopper.status_code == 200
    kg = set(Order.objects.in_markets(["KG"]).values_list("order_number", flat=True))
    us = set(Order.objects.in_markets(["US"]).values_list("order_number", flat=True))
    # The first page of each list (the most recent orders): the same KG orders, no US one.
    shown = [
        {order.order_number for order in response.context["cl"].result_list} for response in (by_column, by_shopper)
    ]
    assert shown[0] and shown[0] == shown[1] and shown[0] <= kg
    for response in (by_column, by_shopper):
        assert not any(f">{number}<" in response.content.decode() for number in us)
