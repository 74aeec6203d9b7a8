"""allauth's account adapter for MARQUE: the phone number is the account, no passwords for shoppers.

Codes are drawn, hashed, limited and texted by accounts/codes.py; this adapter tells allauth
where the phone lives on the user and keeps allauth from texting anyone on its own.
"""

import contextlib

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from storefront import sms
from storefront.market_urls import market_reverse
from storefront.markets import PhoneNumberRefused, get_market, market_from_phone, normalize_phone


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return market_reverse("home", request.user.market_config)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)

    def clean_phone(self, phone):
        return normalize_phone(phone)[0]

    def get_user_by_phone(self, phone):
        with contextlib.suppress(PhoneNumberRefused):
            return get_user_model().objects.filter(phone=normalize_phone(phone)[0]).first()
        return None

    def get_phone(self, user):
        return (user.phone, user.is_verified) if user.phone else None

    def set_phone(self, user, phone, verified):
        user.phone = phone
        user.is_verified = verified
        user.save()  # The market follows the number.

    def set_phone_verified(self, user, phone):
        if user.phone == normalize_phone(phone)[0] and not user.is_verified:
            user.is_verified = True
            user.save(update_fields=["is_verified"])

    def send_verification_code_sms(self, user, phone, code, **kwargs):
        # Only reached by allauth's own flows, which MARQUE does not route; kept working anyway.
        sms.send_sms(
            phone=phone,
            text=_("MARQUE code: %(code)s. Never share it.") % {"code": code},
            market=get_market(market_from_phone(phone)),
        )

    def send_unknown_account_sms(self, phone, **kwargs):
        """Nothing: a number without an account is never texted on a login path."""

    def send_account_already_exists_sms(self, phone):
        """Nothing: the sign-in flow signs the owner in instead."""
