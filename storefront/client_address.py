"""The client's IP address, read once for the whole project the way allauth's rate limits read it."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied


def client_ip(request):
    """The client's address through the trusted proxies (TRUSTED_PROXY_COUNT): with none trusted,
    REMOTE_ADDR; with N, the Nth address from the right of X-Forwarded-For, so a header the client
    made up cannot choose its address. None when the request came with no address at all (a test
    client's `force_login`)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
