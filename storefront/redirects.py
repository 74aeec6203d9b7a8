"""Where a form may send the shopper back to: a path on this site, never another host."""

from django.utils.http import url_has_allowed_host_and_scheme


def local_path(request, candidate) -> str:
    """`candidate` when it is a path on this site (`/kg/cart/`), else ''.

    Scheme-relative (`//host`) and backslash tricks (`/\\host`) are refused: only this site's paths.
    """
    if not candidate or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return ""
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=set(), require_https=request.is_secure()):
        return ""
    return candidate
