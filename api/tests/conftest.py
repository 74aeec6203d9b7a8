"""Shared fixtures and helpers of the API tests: an anonymous client, clients signed in with a JWT,
a SKU to buy, and readers of the error body."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from catalog.tests.factories import ProductFactory, SKUFactory


@pytest.fixture
def api_client():
    """An API client with no credentials, asking for English like every API test but the language ones."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api(kg_shopper):
    """An API client signed in as `kg_shopper`: the caller of the cart, order and wishlist tests."""
    return authed(kg_shopper)


@pytest.fixture
def sku():
    """A KG linen shirt, size M in Sand, 5 in stock."""
    product = ProductFactory(name="Linen Shirt", brand="Atelier Nord", market="KG", price=Decimal("2990"))
    return SKUFactory(product=product, size="M", color="Sand", stock=5)


def authed(user):
    """An API client sending `Authorization: Bearer <access>` for `user`."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def error(response):
    """The `error` object of an API error response."""
    return response.json()["error"]


def error_code(response):
    return response.json()["error"]["code"]
