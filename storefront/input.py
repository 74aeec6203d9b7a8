"""What a request may carry, checked once: whole numbers in ASCII digits, and text PostgreSQL can store.

`"²".isdigit()` is true but `int("²")` fails, and a lone surrogate (`"\\ud800"` in JSON) or a NUL
byte cannot be written to PostgreSQL: each used to become a server error wherever it reached a
query. `whole_number` reads numbers the one safe way; `UnsafeTextMiddleware` refuses a web form field or a
JSON value holding such text with a 400 that names the field, before any view sees it (query strings
are the pages' to clean: listings and search drop such characters).
"""

import json
import re

from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DIGITS = re.compile(r"[0-9]+")
# A NUL byte, or a UTF-16 surrogate standing alone (valid UTF-8 text never holds one).
UNSAFE_TEXT = re.compile(r"[\x00\ud800-\udfff]")
# A JSON body nested deeper than this is not looked into (and no API takes one).
MAX_DEPTH = 20
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def whole_number(raw, *, max_digits=18):
    """`raw` as a non-negative int when it is written in ASCII digits (at most `max_digits`), else None."""
    text = str(raw if raw is not None else "").strip()
    if not DIGITS.fullmatch(text) or len(text) > max_digits:
        return None
    return int(text)


def shown(name):
    """A field name safe to print back: its unsafe characters as U+FFFD."""
    return UNSAFE_TEXT.sub("\ufffd", name)


def is_unsafe_text(value) -> bool:
    return isinstance(value, str) and UNSAFE_TEXT.search(value) is not None


def _unsafe_in_json(value, path="", depth=0):
    """The dotted name of the first string (or key) in `value` that holds unsafe text, else None."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, str):
        return path or "body" if is_unsafe_text(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if is_unsafe_text(key):
                return shown(name)
            if found := _unsafe_in_json(item, name, depth + 1):
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if found := _unsafe_in_json(item, f"{path}.{index}" if path else str(index), depth + 1):
                return found
    return None


def unsafe_field(request):
    """The name of the first web form field or JSON value holding unsafe text, else None.

    Query strings are left to the pages and API lists that read them, which drop what they cannot
    use (a listing or a search filters out control characters and goes on: a crawler's or an old
    link's junk never costs anyone the page). The API takes JSON bodies only (DRF answers any other
    with a 415), so its forms are never read here.
    """
    if request.method == "POST" and request.content_type in FORM_TYPES and not request.path_info.startswith("/api/"):
        for key, values in request.POST.lists():
            if is_unsafe_text(key) or any(is_unsafe_text(value) for value in values):
                return shown(key)
    if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None  # the view answers malformed JSON itself
        return _unsafe_in_json(payload)
    return None


class UnsafeTextMiddleware:
    """Refuse a request whose fields hold a NUL byte or a lone surrogate: 400, naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = unsafe_field(request)
        if field is None:
            return self.get_response(request)
        message = _("“%(field)s” holds characters that cannot be stored (a NUL byte or a broken character).") % {
            "field": field
        }
        if request.path_info.startswith("/api/"):
            # The API's error shape (api.errors.error_body).
            body = {"error": {"code": "invalid", "message": message, "details": {field: [message]}}}
            return JsonResponse(body, status=400)
        page = (
            '<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
            "<body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
        ).format(lang=escape(get_language() or "en"), title=escape(_("Bad request")), message=escape(message))
        return HttpResponse(page, status=400)
