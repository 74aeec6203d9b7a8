"""Bounded counts: exact up to the bound, "5000+" past it, in one query that reads at most bound + 1 rows."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.paginator import EmptyPage
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from storefront.admin_site import BoundedCountAdmin
from storefront.pagination import BoundedCount, BoundedCountPaginator


def test_a_bounded_count_computes_as_its_bound_and_reads_with_a_plus():
    count = BoundedCount(5000)
    assert count == 5000 and count > 4999 and count - 1 == 4999
    assert str(count) == "5000+" and f"{count}" == "5000+"
    assert Template("{{ count }} orders").render(Context({"count": count})) == "5000+ orders"


@pytest.mark.parametrize(("rows", "count", "bounded"), [(0, 0, False), (4, 4, False), (5, 5, False), (6, 5, True)])
def test_the_count_is_exact_up_to_the_bound(rows, count, bounded):
    paginator = BoundedCountPaginator(list(range(rows)), 2, count_limit=5)
    assert paginator.count == count and paginator.count_is_bounded is bounded
    assert str(paginator.count) == (f"{count}+" if bounded else str(count))


def test_the_pages_stop_at_the_bound_and_the_links_end_in_an_ellipsis():
    paginator = BoundedCountPaginator(list(range(100)), 10, count_limit=30)
    assert paginator.num_pages == 3
    assert paginator.page(3).object_list == list(range(20, 30))
    with pytest.raises(EmptyPage):
        paginator.page(4)
    assert list(paginator.get_elided_page_range(1)) == [1, 2, 3, BoundedCountPaginator.ELLIPSIS]


def test_an_exact_count_ends_its_links_on_the_last_page():
    assert list(BoundedCountPaginator(list(range(30)), 10, count_limit=30).get_elided_page_range(1)) == [1, 2, 3]


@pytest.mark.django_db
def test_a_queryset_is_counted_in_one_query_that_stops_at_the_bound():
    Group.objects.bulk_create(Group(name=f"group {n}") for n in range(8))
    paginator = BoundedCountPaginator(Group.objects.order_by("pk"), 2, count_limit=5)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 5 and paginator.count_is_bounded
    [query] = captured.captured_queries
    assert "COUNT(" in query["sql"] and "LIMIT 6" in query["sql"]


def admin_errors(**attributes):
    """The system check errors of a BoundedCountAdmin over groups with these attributes."""
    model_admin = type("GroupAdmin", (BoundedCountAdmin, admin.ModelAdmin), attributes)(Group, admin.site)
    return {error.id for error in model_admin.check()}


def test_a_bounded_count_admin_passes_its_checks_when_it_reads_only_what_it_shows():
    assert admin_errors(sortable_by=("name",)) == set()


@pytest.mark.parametrize(
    ("attributes", "error"),
    [
        ({"sortable_by": ("name",), "date_hierarchy": "name"}, "storefront.E001"),
        ({}, "storefront.E002"),
        ({"sortable_by": ("name",), "list_max_show_all": 5000}, "storefront.E003"),
    ],
)
def test_a_bounded_count_admin_refuses_what_reads_every_row(attributes, error):
    assert error in admin_errors(**attributes)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["plain", 'with "quotes" & <tags>'])
def test_a_bounded_count_admin_renders_the_row_checkbox_django_renders(name):
    group = Group.objects.create(name=name)
    model_admin = type("GroupAdmin", (BoundedCountAdmin, admin.ModelAdmin), {"sortable_by": ("name",)})(
        Group, admin.site
    )
    assert model_admin.action_checkbox(group) == admin.ModelAdmin.action_checkbox(model_admin, group)
