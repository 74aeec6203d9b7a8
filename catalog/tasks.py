"""Background work of the catalog (Django's tasks framework): recounting listings' facets.

`catalog.facets` queues this by name (`storefront.background.enqueue_after_commit`) once a change to
the catalog commits; only this module imports the service, never the reverse.
"""

from django.tasks import task

from catalog.facets import refresh_listing_facets as refresh


@task
def refresh_listing_facets(category_ids: list[int]) -> int:
    """Recount the facet rows of `category_ids` and the all-products and best-sellers rows."""
    return refresh(category_ids=category_ids)
