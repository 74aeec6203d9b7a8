import datetime
import io
from unittest import mock

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.roles import MARKET_MANAGER, MERCHANDISER
from accounts.tests.factories import ManagedMarketFactory, staff_in_role
from marketing.models import Banner, BannerStat
from marketing.tests.factories import BannerFactory


class BannerStatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BannerStat

    banner = factory.SubFactory(BannerFactory)
    market = "KG"
    date = factory.LazyFunction(timezone.localdate)
    views = 200
    clicks = 9


def banner_form(**fields):
    return {
        "title": "Winter sale",
        "subtitle": "",
        "button_text": "Shop now",
        "link_url": "/kg/",
        "image_url": "https://cdn.example.com/winter.jpg",
        "alt_text": "Coats on a rail",
        "banner_type": "hero",
        "market": "KG",
        "sort_order": "0",
        "is_active": "on",
        "start_date_0": "",
        "start_date_1": "",
        "end_date_0": "",
        "end_date_1": "",
        "stats-TOTAL_FORMS": "0",
        "stats-INITIAL_FORMS": "0",
        "stats-MIN_NUM_FORMS": "0",
        "stats-MAX_NUM_FORMS": "0",
        **fields,
    }


@pytest.mark.parametrize("model", [Banner, BannerStat], ids=lambda m: m.__name__)
def test_marketing_changelists_and_change_pages_load_for_superuser(admin_client, model):
    BannerStatFactory()
    name = model._meta.model_name

    changelist = admin_client.get(reverse(f"admin:marketing_{name}_changelist"))
    change = admin_client.get(reverse(f"admin:marketing_{name}_change", args=[model.objects.get().pk]))

    assert (changelist.status_code, change.status_code) == (200, 200)
    assert changelist.context["cl"].result_count == 1


def test_banner_add_page_loads_for_superuser(admin_client):
    assert admin_client.get(reverse("admin:marketing_banner_add")).status_code == 200


def test_banner_stats_are_read_only(admin_client):
    stat = BannerStatFactory()

    assert admin_client.get(reverse("admin:marketing_bannerstat_add")).status_code == 403
    response = admin_client.post(reverse("admin:marketing_bannerstat_change", args=[stat.pk]), {"views": "1"})
    assert response.status_code == 403
    stat.refresh_from_db()
    assert stat.views == 200


def test_banner_changelist_shows_views_clicks_and_ctr(admin_client):
    BannerFactory(view_count=400, click_count=50)

    response = admin_client.get(reverse("admin:marketing_banner_changelist"))

    html = response.text
    assert '<td class="field-view_count">400</td>' in html
    assert '<td class="field-click_count">50</td>' in html
    assert '<td class="field-click_through_rate">12.50 %</td>' in html


def test_banner_ctr_is_zero_before_any_view(admin_client):
    BannerFactory(view_count=0, click_count=0)

    response = admin_client.get(reverse("admin:marketing_banner_changelist"))

    assert '<td class="field-click_through_rate">0.00 %</td>' in response.text


def test_banner_changelist_shows_picture_with_alt_text(admin_client):
    BannerFactory(alt_text="Linen shirts on a line")

    response = admin_client.get(reverse("admin:marketing_banner_changelist"))

    assert 'src="https://cdn.example.com/banner.jpg" alt="Linen shirts on a line"' in response.text


def test_banner_change_page_shows_recent_daily_stats_read_only(admin_client):
    banner = BannerFactory()
    BannerStatFactory(banner=banner)
    BannerStatFactory(banner=banner, date=timezone.localdate() - datetime.timedelta(days=90), views=7)

    response = admin_client.get(reverse("admin:marketing_banner_change", args=[banner.pk]))

    stats = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.views for form in stats.forms] == [200]
    assert "4.50 %" in response.text
    assert 'name="stats-0-views"' not in response.text


def test_banner_schedule_filter_keeps_banners_showing_now(admin_client):
    now = timezone.now()
    live = BannerFactory()
    BannerFactory(start_date=now + datetime.timedelta(days=1))
    BannerFactory(is_active=False)
    url = reverse("admin:marketing_banner_changelist")

    live_only = admin_client.get(url + "?schedule=live").context["cl"].result_list
    not_live = admin_client.get(url + "?schedule=not_live").context["cl"].result_list

    assert list(live_only) == [live]
    assert len(not_live) == 2


def test_banner_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    url = reverse("admin:marketing_banner_changelist")
    counts = []
    for rows in (3, 30):
        while Banner.objects.count() < rows:
            BannerStatFactory(banner=BannerFactory(view_count=100, click_count=3))
        admin_client.get(url)  # warm caches so both counts compare alike
        with django_assert_max_num_queries(10) as captured:
            response = admin_client.get(url)
        assert response.context["cl"].result_count == rows
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_merchandiser_adds_and_edits_banners(db, client):
    client.force_login(staff_in_role(MERCHANDISER))

    added = client.post(reverse("admin:marketing_banner_add"), banner_form())
    banner = Banner.objects.get(title="Winter sale")
    changed = client.post(reverse("admin:marketing_banner_change", args=[banner.pk]), banner_form(sort_order="3"))

    assert (added.status_code, changed.status_code) == (302, 302)
    banner.refresh_from_db()
    assert banner.sort_order == 3
    assert client.get(reverse("admin:marketing_bannerstat_changelist")).status_code == 200


def test_market_manager_cannot_open_banners(db, client):
    manager = staff_in_role(MARKET_MANAGER)
    ManagedMarketFactory(user=manager, market="KG")
    client.force_login(manager)
    banner = BannerFactory()

    assert client.get(reverse("admin:marketing_banner_changelist")).status_code == 403
    assert client.get(reverse("admin:marketing_banner_change", args=[banner.pk])).status_code == 403


@pytest.mark.parametrize(
    "link", ["https://evil.example.org/phish", "//evil.example.org/", "javascript:alert(1)", "kg/relative"]
)
def test_a_banner_link_the_click_redirect_would_refuse_is_refused_in_the_admin(admin_client, link):
    response = admin_client.post(reverse("admin:marketing_banner_add"), banner_form(link_url=link))

    assert response.status_code == 200
    assert "link_url" in response.context["adminform"].form.errors
    assert not Banner.objects.exists()


def test_a_banner_link_to_an_allowed_host_or_a_path_is_kept(admin_client, settings):
    settings.BANNER_ALLOWED_HOSTS = ["lookbook.marque.example"]

    for link in ("/kg/c/shoes/", "https://lookbook.marque.example/winter"):
        response = admin_client.post(reverse("admin:marketing_banner_add"), banner_form(link_url=link, title=link))
        assert response.status_code == 302, link
    assert Banner.objects.count() == 2


def test_a_banner_that_ends_before_it_starts_gets_a_field_error(admin_client):
    form = banner_form(start_date_0="2026-12-10", start_date_1="10:00", end_date_0="2026-12-01", end_date_1="10:00")

    response = admin_client.post(reverse("admin:marketing_banner_add"), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end_date"] == ["The banner must end after it starts."]


def test_uploading_a_banner_picture_queues_its_renditions(admin_client, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 640), (30, 60, 90)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("winter.jpg", buffer.getvalue(), content_type="image/jpeg")

    with mock.patch("storefront.background.import_string") as tasks, django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:marketing_banner_add"), banner_form(image=upload, image_url=""))

    assert response.status_code == 302
    banner = Banner.objects.get()
    tasks.assert_called_once_with("storefront.tasks.make_image_renditions")
    tasks.return_value.enqueue.assert_called_once_with("marketing.banner", banner.pk)
    assert banner.renditions == {}, "the page shows the original until the worker is done"


def test_a_banner_upload_gets_renditions_from_the_task(admin_client, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 640), (30, 60, 90)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("winter.jpg", buffer.getvalue(), content_type="image/jpeg")

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:marketing_banner_add"), banner_form(image=upload, image_url=""))

    banner = Banner.objects.get()
    assert banner.renditions["source"] == banner.image.name
    assert max(item["width"] for item in banner.renditions["files"]) == 1600
    assert min(item["width"] for item in banner.renditions["files"]) == 320


def test_saving_a_banner_without_a_new_picture_queues_nothing(admin_client, django_capture_on_commit_callbacks):
    banner = BannerFactory()

    with mock.patch("storefront.background.import_string") as tasks, django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:marketing_banner_change", args=[banner.pk]), banner_form())

    assert response.status_code == 302
    tasks.assert_not_called()
