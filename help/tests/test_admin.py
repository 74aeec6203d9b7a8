"""Merchandisers write the help pages in the admin; nobody else among the shop's roles may."""

import pytest

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from accounts.tests.factories import staff_in_role
from help.models import HelpPage
from help.tests.factories import HelpPageFactory

pytestmark = pytest.mark.django_db


def _form(page, **changes):
    data = {
        "kind": page.kind,
        "market": page.market,
        "slug": page.slug,
        "is_active": "on",
        "title": page.title,
        "body": page.body,
        "title_ru": page.title_ru,
        "body_ru": page.body_ru,
        "title_ky": page.title_ky,
        "body_ky": page.body_ky,
    }
    data.update(changes)
    return data


def test_a_merchandiser_edits_a_help_page_in_every_language(client):
    page = HelpPageFactory(market="KG")
    client.force_login(staff_in_role(MERCHANDISER))
    url = f"/admin/help/helppage/{page.pk}/change/"
    assert client.get(url).status_code == 200

    response = client.post(url, _form(page, body_ky="Бишкекке 1–2 күндө.", title_ru="Доставка по Кыргызстану"))

    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.body_ky, page.title_ru) == ("Бишкекке 1–2 күндө.", "Доставка по Кыргызстану")
    assert "Доставка по Кыргызстану</h1>" in client.get("/kg/help/delivery/?lang=ru").text


def test_a_merchandiser_adds_a_page_and_one_kind_per_market_is_kept(client):
    HelpPageFactory(market="KG", kind="returns")
    client.force_login(staff_in_role(MERCHANDISER))
    blank = HelpPage(kind="returns", market="KG", slug="returns-2", title="Returns", body="Again.")
    response = client.post("/admin/help/helppage/add/", _form(blank))
    assert response.status_code == 200 and HelpPage.objects.count() == 1
    response = client.post("/admin/help/helppage/add/", _form(blank, market="US"))
    assert response.status_code == 302 and HelpPage.objects.filter(market="US").exists()


def test_a_market_manager_cannot_edit_help_pages(client):
    page = HelpPageFactory()
    client.force_login(staff_in_role(MARKET_MANAGER))
    assert client.get(f"/admin/help/helppage/{page.pk}/change/").status_code == 403
