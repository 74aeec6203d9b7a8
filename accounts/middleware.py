"""Turn allauth's RateLimited into a clear HTTP 429 page instead of a server error."""

from allauth.core.exceptions import RateLimited
from django.template.response import TemplateResponse


class RateLimitedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            response = TemplateResponse(request, "accounts/too_many_requests.html", {}, status=429)
            response["Retry-After"] = "60"
            return response
        return None
