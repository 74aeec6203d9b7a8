from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from catalog.models import Category, Product
from storefront.markets import MARKETS


@require_GET
def home(request):
    """Placeholder home page: the markets and what each one sells."""
    markets = [
        {
            "config": config,
            "products": Product.objects.active().for_market(code).count(),
            "categories": Category.objects.active().for_market(code).count(),
        }
        for code, config in MARKETS.items()
    ]
    return TemplateResponse(request, "home.html", {"markets": markets})
