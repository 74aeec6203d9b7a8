"""Fixtures shared by every app's tests."""

import pytest

from accounts.tests.factories import KGUserFactory, USUserFactory
from catalog.tests.factories import ProductFactory


@pytest.fixture
def kg_shopper(db):
    return KGUserFactory()


@pytest.fixture
def us_shopper(db):
    return USUserFactory()


@pytest.fixture
def product_factory(db):
    return ProductFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and generated files go to a per-test folder, never the developer's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
