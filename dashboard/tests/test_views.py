import csv
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import MARKET_MANAGER
from accounts.tests.factories import KGUserFactory, StaffFactory, USUserFactory, staff_in_role
from checkout.models import Order
from dashboard.forms import PeriodForm
from dashboard.rollups import rebuild_days, sweep
from dashboard.tests.conftest import days_ago, market_today, placed

pytestmark = pytest.mark.django_db
URL = "/admin/dashboard/"
PROJECT = Path(__file__).resolve().parents[2]


def csv_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def two_markets():
    placed(days_ago(1), market="KG", total="3240.00")
    placed(days_ago(1), market="KG", total="1000.00", status=Order.Status.CANCELLED)
    placed(days_ago(2, market="US"), market="US", total="71.67")
    sweep()


def test_admin_index_links_to_the_dashboard_for_those_who_may_see_it(kg_manager_client):
    assert reverse("dashboard:dashboard") in kg_manager_client.get("/admin/").content.decode()


def test_staff_without_the_permission_get_403(client):
    client.force_login(StaffFactory())
    assert client.get(URL).status_code == 403
    assert reverse("dashboard:dashboard") not in client.get("/admin/").content.decode()


def test_a_merchandiser_sees_every_market_as_they_run_the_sales_of_both(merchandiser_client, two_markets):
    assert reverse("dashboard:dashboard") in merchandiser_client.get("/admin/").content.decode()
    response = merchandiser_client.get(URL)
    assert [s["section"].code for s in response.context["sections"]] == ["KG", "US"]
    assert "3 240 som" in response.content.decode() and "$71.67" in response.content.decode()
    assert merchandiser_client.get(reverse("dashboard:dashboard_csv", args=["us", "sales"])).status_code == 200


def test_visitor_is_sent_to_the_admin_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_kg_manager_sees_kg_revenue_and_no_us_figures(kg_manager_client, two_markets):
    page = kg_manager_client.get(URL).content.decode()
    assert "3 240 som" in page
    assert "$71.67" not in page and "USD" not in page
    assert [s["section"].code for s in kg_manager_client.get(URL).context["sections"]] == ["KG"]


def test_kg_manager_csv_has_no_us_revenue_and_the_us_csv_is_missing(kg_manager_client, two_markets):
    rows = csv_of(kg_manager_client.get(reverse("dashboard:dashboard_csv", args=["kg", "sales"])))
    assert rows[0][:3] == ["Day", "Revenue", "Orders"] and rows[0][-1] == "Currency"
    assert {row[-1] for row in rows[1:]} == {"KGS"}
    assert "71.67" not in str(rows)
    assert sum(Decimal(row[1]) for row in rows[1:]) == Decimal("3240.00")
    assert kg_manager_client.get(reverse("dashboard:dashboard_csv", args=["us", "sales"])).status_code == 404
    assert kg_manager_client.get(reverse("dashboard:dashboard_csv", args=["kg", "nothing"])).status_code == 404


def test_superuser_sees_each_market_in_its_own_currency_never_summed(admin_client, two_markets):
    sections = {s["section"].code: s["section"] for s in admin_client.get(URL).context["sections"]}
    assert sections["KG"].totals["revenue"] == Decimal("3240.00")
    assert sections["US"].totals["revenue"] == Decimal("71.67")
    assert sections["KG"].totals["average"] == Decimal("3240.00")
    page = admin_client.get(URL).content.decode()
    assert "3 311" not in page and "3311" not in page  # 3240 + 71.67 appears nowhere


def test_every_chart_has_a_table_and_a_csv(admin_client, two_markets):
    page = admin_client.get(URL).content.decode()
    for key in ("sales", "statuses", "codes", "banners"):
        assert f'data-table="kg-{key}-table"' in page
        assert f'id="kg-{key}-table"' in page
        rows = csv_of(admin_client.get(reverse("dashboard:dashboard_csv", args=["kg", key]) + "?days=7"))
        assert len(rows) >= 2
    statuses = dict(csv_of(admin_client.get(reverse("dashboard:dashboard_csv", args=["kg", "statuses"])))[1:])
    assert statuses["Delivered"] == "1" and statuses["Cancelled"] == "1"
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in page and "<script>" not in page


@pytest.mark.parametrize("days", ["7", "30", "90"])
def test_preset_periods(admin_client, days):
    response = admin_client.get(URL, {"days": days})
    assert response.status_code == 200
    assert (response.context["end"] - response.context["start"]).days == int(days) - 1


def test_end_before_start_is_a_form_error_not_a_server_error(admin_client):
    today = market_today()
    response = admin_client.get(
        URL, {"start": today.isoformat(), "end": (today - datetime.timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert (response.context["end"] - response.context["start"]).days == 29


def test_custom_period_is_shown_and_carried_to_the_csv(admin_client, two_markets):
    start = market_today() - datetime.timedelta(days=1)
    response = admin_client.get(URL, {"start": start.isoformat(), "end": start.isoformat()})
    assert response.context["start"] == response.context["end"] == start
    assert f"start={start.isoformat()}&amp;end={start.isoformat()}" in response.content.decode()
    rows = csv_of(
        admin_client.get(reverse("dashboard:dashboard_csv", args=["kg", "sales"]), {"start": start, "end": start})
    )
    assert len(rows) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13-01", "end": "2026-01-01"},
        {"start": "²", "end": "\x00"},
        {"start": "2020-01-01"},
        {"start": "1990-01-01", "end": "1990-02-01"},
        {"start": "2001-01-01", "end": "2009-01-01"},
        {"days": "-1"},
        {"days": "x" * 5000},
    ],
)
def test_bad_periods_get_a_clear_message(admin_client, query):
    response = admin_client.get(URL, query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert admin_client.get(reverse("dashboard:dashboard_csv", args=["kg", "sales"]), query).status_code == 400


def test_a_csv_cell_cannot_start_a_spreadsheet_formula(admin_client):
    from catalog.tests.factories import ProductFactory, SKUFactory

    sku = SKUFactory(product=ProductFactory(market="KG", name="=HYPERLINK(1)"), price="10.00")
    line = {"sku": sku, "product_name": "=HYPERLINK(1)", "price": Decimal("10.00"), "subtotal": Decimal("10.00")}
    placed(days_ago(1), total="10.00", items=[line])
    sweep()
    rows = csv_of(admin_client.get(reverse("dashboard:dashboard_csv", args=["kg", "products"])))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_orders(admin_client, django_assert_max_num_queries):
    """A few thousand orders over 90 days: the page reads the daily rows, never the orders."""
    now = timezone.now()
    kg, us = KGUserFactory(), USUserFactory()
    statuses = list(Order.Status.values)
    orders = [
        Order(
            user=user,
            market=user.market,
            currency="KGS" if user.market == "KG" else "USD",
            status=statuses[n % len(statuses)],
            customer_name="Bench",
            customer_phone=user.phone,
            delivery_address="Chui 1",
            delivery_city="Bishkek",
            payment_method="cash",
            subtotal=Decimal("100.00"),
            tax_included=True,
            total_amount=Decimal("100.00"),
            order_number=f"MT-{n:08d}",
        )
        for n, user in enumerate([kg, us] * 1500)
    ]
    Order.objects.bulk_create(orders)
    ids = Order.objects.order_by("id").values_list("id", flat=True)
    # Over 88 days: inside the 90 days shown, whichever market's calendar (New York's today may
    # still be the day before Bishkek's).
    spread = [Order(pk=pk, created_at=now - datetime.timedelta(hours=n % (88 * 24))) for n, pk in enumerate(ids)]
    Order.objects.bulk_update(spread, ["created_at"], batch_size=1000)
    sweep()
    admin_client.get(URL, {"days": "90"})  # session and permissions cached like any later page
    with django_assert_max_num_queries(16) as captured:
        response = admin_client.get(URL, {"days": "90"})
    assert response.status_code == 200
    assert not any("checkout_order" in query["sql"] for query in captured.captured_queries)
    sections = {s["section"].code: s["section"] for s in response.context["sections"]}
    assert sections["KG"].totals["orders"] + sections["US"].totals["orders"] == 3000
    with django_assert_max_num_queries(16):
        assert (
            admin_client.get(reverse("dashboard:dashboard_csv", args=["us", "sales"]), {"days": "90"}).status_code
            == 200
        )


def test_the_vendored_chart_js_is_the_version_npm_pins():
    pinned = json.loads((PROJECT / "theme/static_src/package.json").read_text())["devDependencies"]["chart.js"]
    vendored = (PROJECT / "static/vendor/chartjs/chart.umd.min.js").read_text()[:200]
    assert re.search(r"Chart\.js v(\S+)", vendored).group(1) == pinned
    assert (PROJECT / "static/vendor/chartjs/LICENSE.md").exists()
    assert "sourceMappingURL" not in (PROJECT / "static/vendor/chartjs/chart.umd.min.js").read_text()[-300:]


def test_rollups_for_a_range_are_what_the_page_shows(admin_client):
    placed(days_ago(5), total="400.00")
    day = market_today() - datetime.timedelta(days=5)
    rebuild_days(start=day, end=day)
    kg = admin_client.get(URL, {"days": "7"}).context["sections"][0]["section"]
    assert [d["revenue"] for d in kg.days if d["day"] == day] == [Decimal("400.00")]


def test_manager_without_markets_sees_a_note_and_no_figures(client, two_markets):
    from accounts.roles import MARKET_MANAGER
    from accounts.tests.factories import staff_in_role

    client.force_login(staff_in_role(MARKET_MANAGER))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["sections"] == []
    assert "No market is assigned to you yet" in response.content.decode()
    assert client.get(reverse("dashboard:dashboard_csv", args=["kg", "sales"])).status_code == 404


def test_a_period_ends_on_the_newest_day_begun_in_the_viewers_markets(client, monkeypatch):
    # 20:30 UTC on 7 December: already the 8th in Bishkek, still the 7th in New York.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 7, 20, 30, tzinfo=datetime.UTC))
    ends = {}
    for code in ("KG", "US"):
        client.force_login(staff_in_role(MARKET_MANAGER, code))
        ends[code] = client.get(URL, {"days": "7"}).context["end"]
    assert ends == {"KG": datetime.date(2026, 12, 8), "US": datetime.date(2026, 12, 7)}
    assert PeriodForm({"days": "7"}, markets=["KG", "US"]).period() == (
        datetime.date(2026, 12, 2),
        datetime.date(2026, 12, 8),
    )
    starting_tomorrow = PeriodForm({"start": "2026-12-08", "end": "2026-12-08"}, markets=["US"])
    assert "The start date is in the future." in starting_tomorrow.errors["start"]


def test_the_note_gives_the_last_check_in_the_viewers_time_and_says_each_market_keeps_its_days(
    kg_manager_client, two_markets
):
    note = re.search(r'<p class="sales-note">(.*?)</p>', kg_manager_client.get(URL).text, re.S).group(1)
    assert "Each market's days run in its own time zone." in note
    assert "UTC" not in note  # the time shown is the admin's, not UTC's


def test_a_superusers_last_days_are_each_markets_own_while_bishkek_is_a_day_ahead(admin_client, monkeypatch):
    # 20:30 UTC on 7 December: already the 8th in Bishkek, still the 7th in New York.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 12, 7, 20, 30, tzinfo=datetime.UTC))
    response = admin_client.get(URL, {"days": "7"})
    sections = {entry["section"].code: entry["section"] for entry in response.context["sections"]}

    assert (sections["KG"].start, sections["KG"].end) == (datetime.date(2026, 12, 2), datetime.date(2026, 12, 8))
    # New York's seven days, not a day it has not begun.
    assert (sections["US"].start, sections["US"].end) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 7))
    assert [day["day"] for day in sections["US"].days][-1] == datetime.date(2026, 12, 7)
    html = response.content.decode()
    assert html.count('data-testid="own-days"') == 1  # said under the US only
    assert "In this market's time zone: from 1 December 2026 to 7 December 2026" in html
    assert "/admin/dashboard/us/sales.csv?start=2026-12-01&amp;end=2026-12-07" in html
    assert "/admin/dashboard/kg/sales.csv?start=2026-12-02&amp;end=2026-12-08" in html

    # Dates of one's own stay as asked, up to each market's today.
    response = admin_client.get(URL, {"start": "2026-12-05", "end": "2026-12-08"})
    sections = {entry["section"].code: entry["section"] for entry in response.context["sections"]}
    assert (sections["US"].start, sections["US"].end) == (datetime.date(2026, 12, 5), datetime.date(2026, 12, 7))
    assert (sections["KG"].start, sections["KG"].end) == (datetime.date(2026, 12, 5), datetime.date(2026, 12, 8))
