"""Banner click-throughs and the impressions beacon, both under the market prefix (`/kg/b/…`)."""

import json
import re

from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from marketing.models import Banner
from marketing.tracking import (
    MAX_IMPRESSIONS_PER_REQUEST,
    is_allowed_target,
    market_home_url,
    read_click_token,
    record_click,
    record_impressions,
)
from storefront.markets import get_market

BANNER_ID = re.compile(r"[0-9]{1,18}")


def _bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def banner_click(request, token):
    """Count a click and follow the banner's link, only to this site or an allowed host."""
    try:
        banner_id, code = read_click_token(token)
    except signing.BadSignature:
        raise Http404(_("No such banner link.")) from None
    market = get_market(code)
    banner = Banner.objects.live().for_market(market).filter(pk=banner_id).first()
    if banner is None:
        # The banner ended, was switched off or deleted after the page was rendered.
        return HttpResponseRedirect(market_home_url(request.market))
    if not is_allowed_target(banner.link_url, request):
        return _bad_request(_("This banner links to an address outside MARQUE, so it was not followed."))
    record_click(banner, market)
    return HttpResponseRedirect(banner.link_url.strip())


@require_POST
def banner_impressions(request):
    """Count the banners a page showed (posted once per page view by banners.js); 204."""
    try:
        banner_ids = _posted_banner_ids(request)
    except ValueError as error:
        return _bad_request(str(error))
    record_impressions(banner_ids, request.market)
    return HttpResponse(status=204)


def _posted_banner_ids(request):
    """Distinct banner ids from `ids=1&ids=2` or `{"ids": [1, 2]}`; ValueError with the reason."""
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise ValueError(_("The body is not valid JSON.")) from None
        values = payload.get("ids") if isinstance(payload, dict) else None
        if not isinstance(values, list):
            raise ValueError(_('Send the banner ids as {"ids": [1, 2]}.'))
    else:
        values = request.POST.getlist("ids")
    texts = [str(value) for value in values if not isinstance(value, bool)]
    if len(texts) != len(values) or not all(BANNER_ID.fullmatch(text) for text in texts):
        raise ValueError(_("Banner ids are whole numbers."))
    banner_ids = list(dict.fromkeys(int(text) for text in texts))
    if len(banner_ids) > MAX_IMPRESSIONS_PER_REQUEST:
        raise ValueError(
            _("At most %(limit)d banners per request.") % {"limit": MAX_IMPRESSIONS_PER_REQUEST},
        )
    return banner_ids
