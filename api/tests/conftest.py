"""Shared fixtures of the API tests: an anonymous client and a client signed in with a JWT."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.fixture
def api_client():
    """An API client with no credentials, asking for English like every API test but the language ones."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def authed(user):
    """An API client sending `Authorization: Bearer <access>` for `user`."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client
