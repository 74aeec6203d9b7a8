"""Fixtures shared by the checkout tests: a signed-in shopper, and Stripe faked (configured or not)."""

import pytest

from checkout.tests.stripe_fakes import install_fake_stripe


@pytest.fixture
def signed_in(client, kg_shopper):
    """`kg_shopper`, signed in on the test client."""
    client.force_login(kg_shopper)
    return kg_shopper


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """Stripe configured, its API answered by the returned fake."""
    return install_fake_stripe(settings, monkeypatch)


@pytest.fixture
def no_stripe(settings, monkeypatch):
    """Stripe not configured; the fake is still installed, so a call that should not happen fails."""
    return install_fake_stripe(settings, monkeypatch, configured=False)
