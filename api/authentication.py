"""Bearer-token sign-in for API calls, answering in the signed-in shopper's language.

The language middleware cannot know a JWT caller (the token is read by the view), so an anonymous
caller gets `storefront.languages.language_for` (Accept-Language within the `?market=`'s languages,
else its default) and a signed-in one, once the token is read, their profile's language and their
market's time zone.
"""

from django.utils import timezone, translation
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication

from storefront import languages


class ShopperJWTAuthentication(JWTAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user = result[0]
            market = user.market_config
            language = languages.supported(user.language, market) or market.default_language
            translation.activate(language)
            timezone.activate(market.time_zone)
            request._request.LANGUAGE_CODE = language
        return result


class ShopperJWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of ShopperJWTAuthentication: simplejwt's bearer JWT."""

    target_class = "api.authentication.ShopperJWTAuthentication"
