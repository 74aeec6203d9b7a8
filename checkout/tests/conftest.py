"""Fixtures shared by the checkout tests: Stripe faked (configured or not)."""

import pytest

from checkout.tests.stripe_fakes import install_fake_stripe


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """Stripe configured, its API answered by the returned fake."""
    return install_fake_stripe(settings, monkeypatch)


@pytest.fixture
def no_stripe(settings, monkeypatch):
    """Stripe not configured; the fake is still installed, so a call that should not happen fails."""
    return install_fake_stripe(settings, monkeypatch, configured=False)
