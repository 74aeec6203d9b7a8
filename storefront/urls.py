from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from storefront import views

admin.site.site_header = _("MARQUE administration")
admin.site.site_title = _("MARQUE admin")
admin.site.index_title = _("Catalog, marketing and orders")

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
