"""Paging a list that grows without end: the count stops at a bound instead of reading every row.

`BoundedCountPaginator` counts with one query that reads at most `count_limit + 1` rows
(`SELECT COUNT(*) FROM (… LIMIT 5001)`), so a list of a million orders costs what a list of five
thousand does. Past the bound its `count` is a `BoundedCount`: it pages and compares as the bound and
reads as "5000+" wherever it is shown (the admin's "5000+ orders", "Select all 5000+ orders"). The
pages stop at the bound; rows beyond it are reached by narrowing the list (a filter, a search, the
other sort direction), which also keeps every OFFSET small.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class BoundedCount(int):
    """A row count that reached its bound: computes as the bound, reads as "5000+".

    Templates show it through `str()`; the project does not group thousands
    (`USE_THOUSAND_SEPARATOR` is off), which would group the text "5000+" as if it were digits.
    """

    def __str__(self):
        return f"{int(self)}+"

    def __repr__(self):
        return f"BoundedCount({int(self)})"


class BoundedCountPaginator(Paginator):
    """A Paginator whose count reads at most `count_limit + 1` rows; past that it is `BoundedCount(count_limit)`."""

    count_limit = 5000

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, count_limit=None, **kwargs):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        if count_limit is not None:
            self.count_limit = count_limit

    @cached_property
    def count(self):
        head = self.object_list[: self.count_limit + 1]
        seen = head.count() if isinstance(head, QuerySet) else len(head)
        return BoundedCount(self.count_limit) if seen > self.count_limit else seen

    @property
    def count_is_bounded(self):
        """True when there are more rows than the count says."""
        return isinstance(self.count, BoundedCount)

    def get_elided_page_range(self, number=1, *, on_each_side=3, on_ends=2):
        """The page links, ending in an ellipsis when more rows lie past the last page counted."""
        yield from super().get_elided_page_range(number, on_each_side=on_each_side, on_ends=on_ends)
        if self.count_is_bounded:
            yield self.ELLIPSIS
