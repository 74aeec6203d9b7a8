"""The KG order list as the shop does not find it: through a join on the shopper's market.

Staff see the orders of their markets by the order's own `market` column (the admin's
`scoped_to_markets`, `OrderQuerySet.in_markets`). The benchmark measures the same list found
through the shopper's row instead, to show what the column saves on a million orders; nothing in
the shop uses this.
"""


def orders_of_shoppers_in(queryset, codes):
    """Orders whose shopper's account is in one of the markets `codes` (a join on accounts_user)."""
    return queryset.owned_in_markets(codes)
