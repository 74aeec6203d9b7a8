"""`manage.py seed_demo`: demo data for both markets, safe to run again.

Categories and products (with SKUs, features and pictures drawn locally), banners with schedules
and statistics, help pages, staff users with their roles, shoppers with addresses, ways to pay, wishlists,
orders and reviews. Every row is generated from a fixed seed and found again by a stable key,
so a second run adds nothing and `--products N` only adds the products a smaller run left out.
"""

import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import capfirst
from tqdm import tqdm

from accounts.models import Address, ManagedMarket, Notification, PaymentMethod, User
from alerts.models import StockAlert
from catalog.facets import refresh_listing_facets
from catalog.models import (
    SKU,
    Category,
    Product,
    ProductFeature,
    ProductImage,
    Subcategory,
    Wishlist,
    WishlistItem,
)
from checkout.models import Order, OrderItem, OrderStatusHistory
from demo.after_sale import seed_parcels, seed_returns
from demo.banners import seed_banners
from demo.catalog import seed_categories, seed_products, translate_existing_products
from demo.help_pages import seed_help_pages
from demo.orders import demo_order_numbers, seed_orders, seed_stock_alerts, seed_wishlists
from demo.people import STAFF, STAFF_PASSWORD, seed_shoppers, seed_staff
from demo.pictures import PicturePool
from help.models import HelpPage
from marketing.models import Banner, BannerStat
from returns.models import ReturnRequest
from reviews.models import Review
from shipments.models import Parcel

DEFAULT_PRODUCTS = 300
COUNTED = (
    Category,
    Subcategory,
    Product,
    SKU,
    ProductFeature,
    ProductImage,
    Banner,
    BannerStat,
    HelpPage,
    User,
    ManagedMarket,
    Address,
    PaymentMethod,
    Notification,
    Wishlist,
    WishlistItem,
    StockAlert,
    Order,
    OrderItem,
    OrderStatusHistory,
    Parcel,
    ReturnRequest,
    Review,
)


class Command(BaseCommand):
    help = "Load demo data for both markets: catalog, pictures, banners, staff, shoppers, orders, reviews."

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=int,
            default=DEFAULT_PRODUCTS,
            help=f"How many products the catalog should hold (default {DEFAULT_PRODUCTS}).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, products, no_progress, verbosity, **options):
        if products < 0:
            raise CommandError("--products must be zero or more.")
        started = time.monotonic()
        before = {model: model.objects.count() for model in COUNTED}
        pictures = PicturePool(Product._meta.get_field("image").storage)

        offerings = seed_categories(pictures=pictures)
        show_progress = verbosity > 0 and not no_progress and sys.stderr.isatty()
        with tqdm(total=products, unit=" products", disable=not show_progress, file=sys.stderr) as progress:
            seed_products(count=products, offerings=offerings, pictures=pictures, progress=progress)
        translate_existing_products(offerings=offerings, pictures=pictures)
        seed_banners(pictures=pictures)
        seed_help_pages()
        staff = {spec.managed_market: user for spec, user in zip(STAFF, seed_staff(), strict=True)}
        shoppers = seed_shoppers()
        seed_wishlists(shoppers=shoppers)
        seed_stock_alerts(shoppers=shoppers)
        seed_orders(shoppers=shoppers, managers=staff)
        numbers = demo_order_numbers()
        seed_parcels(order_numbers=numbers, managers=staff)
        seed_returns(order_numbers=numbers)
        # The catalog and its sales went in without signals (COPY, bulk updates): count the listings' facets.
        refresh_listing_facets()
        # The smaller copies of the pictures, each file once however many products share it.
        call_command("make_image_renditions", verbosity=0)

        if verbosity:
            self._report(before, pictures.drawn, time.monotonic() - started)

    def _report(self, before, drawn, seconds):
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {seconds:.1f} s ({drawn} pictures drawn)."))
        for model in COUNTED:
            total = model.objects.count()
            added = total - before[model]
            self.stdout.write(f"  {capfirst(model._meta.verbose_name_plural):<24}{total:>10,}  (+{added:,})")
        phones = ", ".join(spec.phone for spec in STAFF)
        self.stdout.write(f"Staff sign in at /admin/ with {phones} and the password {STAFF_PASSWORD!r}.")
