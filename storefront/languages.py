"""The language a page is written in, chosen once per request.

A market decides which languages it speaks (`MarketConfig.languages`: KG speaks Russian, Kyrgyz and
English; the US English) and which one a first visit gets (`default_language`). Within those, the
first of these wins:

1. `?lang=ky` in the URL: the links crawlers follow between a page's languages (hreflang);
2. a signed-in shopper's `language` (their profile);
3. a visitor's choice, kept in the language cookie by the switcher;
4. the browser's Accept-Language, for a first visit;
5. the market's default.

URLs stay the market's (`/kg/…`): a page is one URL in its default language and the same URL with
`?lang=` in the others. Every response says its language (`Content-Language`, `<html lang>`) and
varies on Cookie and Accept-Language, so no cache serves one language to another.
"""

from django.conf import settings
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGE_PARAM = "lang"


def supported(language, market):
    """`language` when `market` speaks it, else None."""
    return language if language in market.languages else None


def from_accept_language(header, market):
    """The first language of an Accept-Language header that `market` speaks (`ru-RU` counts as `ru`)."""
    for tag, _quality in parse_accept_lang_header(header or ""):
        language = supported(tag.lower().split("-")[0], market)
        if language:
            return language
    return None


def requested_language(request, market):
    """The language a `?lang=` parameter asks for, when the market speaks it."""
    return supported(request.GET.get(LANGUAGE_PARAM, ""), market)


def saved_language(request, market):
    """The shopper's own choice: a signed-in user's profile, else the visitor's cookie."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return supported(user.language, market)
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""), market)


def language_for(request, market):
    """The language of this response, by the order in the module docstring."""
    return (
        requested_language(request, market)
        or saved_language(request, market)
        or from_accept_language(request.headers.get("Accept-Language"), market)
        or market.default_language
    )


def language_query(language, market):
    """`{"lang": "ky"}` for a language other than the market's default, `{}` for the default."""
    return {} if language == market.default_language else {LANGUAGE_PARAM: language}


def language_cookie_due(request, language):
    """Whether a visitor's language cookie should change: they followed a `?lang=` link to
    `language` on a GET (the cookie then keeps it on the pages that follow)."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) == language:
        return False
    return request.method in ("GET", "HEAD") and request.GET.get(LANGUAGE_PARAM) == language


def remember_language(response, language):
    """Keep a visitor's choice in the language cookie (a year, like Django's set_language)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
