"""Fixtures of the returns tests: Stripe faked at its client."""

import pytest

from checkout.tests.stripe_fakes import install_fake_stripe


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """Stripe configured, its API answered by the returned fake."""
    return install_fake_stripe(settings, monkeypatch)
