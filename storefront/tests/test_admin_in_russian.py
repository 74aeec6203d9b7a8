"""The admin in Russian: the project's own column headers, field labels, filters and model names are
all Russian (Django's and other packages' own words are theirs to translate)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import capfirst

from storefront.tests.page_text import read_text

PROJECT_APPS = ("accounts", "catalog", "checkout", "marketing", "promotions", "reviews", "returns")
# English words that are also the Russian text (codes and names).
SAME_IN_RUSSIAN = {"SKU", "ID"}


def english_labels():
    """Every label the project gives its models and fields, as the English admin shows them."""
    labels = set()
    with translation.override("en"):
        for model in apps.get_models():
            if model._meta.app_label not in PROJECT_APPS:
                continue
            labels |= {capfirst(model._meta.verbose_name), capfirst(model._meta.verbose_name_plural)}
            for field in model._meta.get_fields():
                if getattr(field, "verbose_name", None) and not field.auto_created:
                    labels.add(capfirst(str(field.verbose_name)))
    return labels - SAME_IN_RUSSIAN


def admin_pages():
    """The changelist, the add form and the first row's change form of each of the project's models."""
    for model in admin.site._registry:
        if model._meta.app_label not in PROJECT_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        yield reverse("admin:{}_{}_add".format(*info))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            try:
                yield reverse("admin:{}_{}_change".format(*info), args=[first.pk])
            except NoReverseMatch:
                continue


@pytest.mark.django_db
def test_the_admin_in_russian_has_no_english_labels_of_the_projects_own(client, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", products=4, no_progress=True, verbosity=0)
    labels = english_labels()
    assert {"Product", "Changed by", "Color", "User"} <= labels  # the check knows what it looks for
    client.force_login(django_user_model.objects.create_superuser(phone="+996550123400", language="ru"))

    leftovers = {}
    for url in admin_pages():
        response = client.get(url, headers={"accept-language": "ru"})
        if response.status_code != 200:
            continue  # an admin that allows no adding
        assert response.headers["Content-Language"] == "ru"
        for _line, text in read_text(response.text):
            label = text.strip().rstrip(":").strip()
            if label in labels:
                leftovers.setdefault(label, url)

    assert not leftovers, f"English labels in the Russian admin: {leftovers}"
