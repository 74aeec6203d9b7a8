"""Values a layout may show, computed on first use and then kept (at most one query per request)."""

import operator

from django.utils.functional import SimpleLazyObject, new_method_proxy


class LazyCount(SimpleLazyObject):
    """A count computed when a template first reads it, usable wherever an int is.

    SimpleLazyObject alone does not do arithmetic, and plural forms need it: Russian's rule takes
    `n % 10` and `n % 100` (`{% blocktranslate count counter=cart_count %}`).
    """

    __int__ = new_method_proxy(int)
    __index__ = new_method_proxy(operator.index)
    __float__ = new_method_proxy(float)
    __round__ = new_method_proxy(round)
    __mod__ = new_method_proxy(operator.mod)
    __rmod__ = new_method_proxy(lambda count, other: other % count)
    __add__ = new_method_proxy(operator.add)
    __radd__ = new_method_proxy(lambda count, other: other + count)
    __sub__ = new_method_proxy(operator.sub)
    __le__ = new_method_proxy(operator.le)
    __ge__ = new_method_proxy(operator.ge)
