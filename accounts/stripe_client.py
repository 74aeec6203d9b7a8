"""The one door to Stripe's API, for saving cards (accounts) and paying orders (checkout).

Tests replace `client` with a real `stripe.StripeClient` on a fake HTTP client, never the logic of
the modules that call it.
"""

import stripe
from django.conf import settings


def configured() -> bool:
    """Whether Stripe keys are set; without them checkout offers the labelled test payment."""
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    """The Stripe API client."""
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, max_network_retries=2)
