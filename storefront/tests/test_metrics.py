"""Prometheus metrics at /metrics: restricted to a token or allowed addresses, counters that move, and
one sum over several worker processes (multiprocess mode)."""

import pytest
from prometheus_client import REGISTRY

from storefront import metrics
from storefront.tests.test_settings import start_django

TOKEN = "a-scrape-token-0123456789"


@pytest.fixture
def scrape_token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    return TOKEN


def scrape(client, **headers):
    return client.get("/metrics", HTTP_HOST="10.0.0.7:8001", **headers)


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


def test_metrics_are_refused_without_a_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert scrape(client).status_code == 403
    assert scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_metrics_are_refused_with_a_wrong_token(client, scrape_token):
    assert scrape(client).status_code == 403
    assert scrape(client, HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 403
    response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {scrape_token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "marque_http_request_duration_seconds" in response.content.decode()


def test_metrics_answer_an_allowed_network_read_through_the_trusted_proxy(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["198.51.100.0/24", "192.0.2.10"]
    assert scrape(client, REMOTE_ADDR="198.51.100.40").status_code == 200
    assert scrape(client, REMOTE_ADDR="192.0.2.10").status_code == 200
    assert scrape(client, REMOTE_ADDR="203.0.113.5").status_code == 403
    # Through the load balancer, the address is the one it saw, not one the client wrote in the header.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    spoofed = scrape(client, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="198.51.100.40, 203.0.113.5")
    assert spoofed.status_code == 403


@pytest.mark.django_db
def test_request_latency_and_responses_are_counted_by_view(client, scrape_token):
    before = sample("marque_http_request_duration_seconds_count", view="robots_txt", method="GET")
    responses = sample("marque_http_responses_total", view="robots_txt", method="GET", status="200")
    client.get("/robots.txt")
    client.get("/robots.txt")
    assert sample("marque_http_request_duration_seconds_count", view="robots_txt", method="GET") == before + 2
    assert sample("marque_http_responses_total", view="robots_txt", method="GET", status="200") == responses + 2
    text = scrape(client, HTTP_AUTHORIZATION=f"Bearer {scrape_token}").content.decode()
    assert 'marque_http_request_duration_seconds_bucket{le="0.005",method="GET",view="robots_txt"}' in text


@pytest.mark.django_db
def test_unknown_methods_share_one_label(client):
    before = sample("marque_http_responses_total", view="robots_txt", method="other", status="405")
    client.generic("BREW", "/robots.txt")
    assert sample("marque_http_responses_total", view="robots_txt", method="other", status="405") == before + 1


def test_a_registered_gauge_is_read_at_each_scrape(client, scrape_token, monkeypatch):
    depth = iter([7, 3])
    monkeypatch.setitem(metrics.GAUGES.gauges, "marque_task_queue_depth", ("Tasks waiting.", lambda: next(depth)))
    authorised = {"HTTP_AUTHORIZATION": f"Bearer {scrape_token}"}
    assert "marque_task_queue_depth 7.0" in scrape(client, **authorised).content.decode()
    assert "marque_task_queue_depth 3.0" in scrape(client, **authorised).content.decode()


def test_a_gauge_that_cannot_be_read_is_left_out_and_the_rest_still_served(client, scrape_token, monkeypatch):
    def unreachable():
        raise ConnectionError("queue database down")

    monkeypatch.setitem(metrics.GAUGES.gauges, "marque_task_queue_depth", ("Tasks waiting.", unreachable))
    response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {scrape_token}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "marque_task_queue_depth" not in text and "marque_orders_placed" in text


def test_several_worker_processes_add_up_in_multiprocess_mode(tmp_path):
    environment = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DEBUG": "true", "METRICS_TOKEN": TOKEN}
    count = "from storefront import metrics\nmetrics.ORDERS_PLACED.labels(market='US').inc()\n"
    for _worker in range(2):
        result = start_django(f"import django; django.setup()\n{count}", **environment)
        assert result.returncode == 0, result.stderr
    read = start_django(
        "import django; django.setup()\n"
        "from django.test import Client\n"
        f"print(Client().get('/metrics', HTTP_AUTHORIZATION='Bearer {TOKEN}').content.decode())\n",
        **environment,
    )
    assert read.returncode == 0, read.stderr
    assert 'marque_orders_placed_total{market="US"} 2.0' in read.stdout
