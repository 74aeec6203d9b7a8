"""Admin sign-in throttling: django-axes, limited to the admin login and keyed the way MARQUE signs staff in.

After `ADMIN_LOGIN_FAILURE_LIMIT` wrong passwords for one account (from anywhere) or from one client
address (for any accounts), the admin login refuses every attempt, the right password included,
for `ADMIN_LOGIN_LOCKOUT_MINUTES` counted from the failure that locked it, and answers 429 with a
translated page. The attempts are rows in the database (axes' AccessAttempt), so every app server
sees the same lock, and staff can lift one early by deleting its row in the admin.

The storefront's phone sign-in is left alone: it has its own limits (SMS_CODE_LIMITS and allauth's),
and the handler below records nothing for requests outside the admin.
"""

import contextlib
import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from storefront.markets import PhoneNumberRefused, normalize_phone

logger = logging.getLogger(__name__)


class AdminSignInHandler(AxesDatabaseHandler):
    """Axes' database handler for admin sign-ins only: other logins (SMS codes, the API) leave no rows."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if self._is_admin(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if self._is_admin(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        if self._is_admin(request):
            super().user_logged_out(sender, request, user, **kwargs)

    def _is_admin(self, request):
        return request is not None and self.is_admin_request(request)


def attempted_phone(request, credentials=None):
    """The account an attempt was for, as the login finds it: `+996 555-123 456` and `996555123456`
    count against the same account. Anything unparsable is counted as typed."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    with contextlib.suppress(PhoneNumberRefused):
        return normalize_phone(raw)[0]
    return raw.strip()[:255]


def lockout_minutes():
    return math.ceil(get_cool_off().total_seconds() / 60)


def locked_out_response(request, original_response=None, credentials=None):
    """The translated "sign-in locked" page, HTTP 429 with Retry-After, in the admin's own look."""
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in locked"),
        "minutes": lockout_minutes(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    # Rendered here: axes' middleware hands it back after the response middleware above it has run.
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(get_cool_off().total_seconds()))
    return response


@receiver(user_locked_out, dispatch_uid="storefront_log_admin_lockout")
def log_lockout(sender, request, username, ip_address, **kwargs):
    # The phone number stays out of the log; staff find the account in the admin's access attempts.
    logger.warning(
        "Admin sign-in locked: ip=%s failures=%s limit=%s minutes=%s",
        ip_address,
        getattr(request, "axes_failures_since_start", None) or "locked",
        settings.AXES_FAILURE_LIMIT,
        lockout_minutes(),
    )
