"""The one door to Stripe's API, for saving cards (accounts) and paying orders (checkout).

Every call has a deadline: `STRIPE_TIMEOUT` seconds to connect and between bytes of the answer, and
`STRIPE_MAX_NETWORK_RETRIES` retries (none by default: a shopper never waits on a retry; the order
is saved and can be paid again from its page, and a refund is retried by its task). The SDK's own
defaults (80 s, 2 retries) would hold an app server for minutes while Stripe does not answer.

Tests replace `client` with a real `stripe.StripeClient` on a fake HTTP client, never the logic of
the modules that call it.
"""

import stripe
from django.conf import settings


def configured() -> bool:
    """Whether Stripe keys are set; without them checkout offers the labelled test payment."""
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    """The Stripe API client, with the shop's timeout and retries."""
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
    )
