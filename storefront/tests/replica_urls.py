"""A view that says where a catalog read would go, for storefront/tests/test_replicas.py."""

from django.db import router
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from catalog.models import Product


@csrf_exempt
def read(request):
    return HttpResponse(router.db_for_read(Product))


urlpatterns = [path("read/", read), path("admin/read/", read)]
