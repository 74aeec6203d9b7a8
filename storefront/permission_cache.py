"""A staff member's permissions, kept in the shared cache between their admin pages.

Django's `ModelBackend` reads a user's permissions with two queries on every request that checks
one (the user's own, then their groups'), and every admin page checks dozens: the sidebar's models,
the list's actions, each inline. `load(user)` fills the same per-request attributes the backend
fills (`_user_perm_cache`, `_group_perm_cache`, `_perm_cache`) from what the cache kept, so the
backend reads nothing; what it reads on a miss is kept for the next page.

Every change to who has which permission (a user's groups or own permissions, a group's
permissions, a group or permission removed) moves one version once its transaction commits, and a
kept entry of another version is read afresh: a manager whose permission is taken away is refused
on their next page (the version is kept by `storefront.cache_versions`). `KEPT_SECONDS` bounds
the rest (a change made by raw SQL or by a migration, whose historical models send these signals
to nobody).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from storefront import cache_versions

VERSION_KEY = "staff-permissions:version"
KEPT_SECONDS = 120
_ATTRIBUTES = ("_user_perm_cache", "_group_perm_cache")


def _key(user):
    # A superuser's set is every permission: one who stops being one is read afresh.
    return f"staff-permissions:{user.pk}:{int(user.is_superuser)}"


def load(user):
    """Give an active staff member's request their permissions as the backend would read them."""
    if not (user.is_authenticated and user.is_active and user.is_staff) or hasattr(user, "_perm_cache"):
        return
    kept = cache_versions.call_quietly(cache.get_many, [VERSION_KEY, _key(user)])
    if kept is None:
        return  # the cache is unreachable: the backend reads them
    version, entry = kept.get(VERSION_KEY), kept.get(_key(user))
    if version is not None and entry is not None and entry[0] == version:
        user._user_perm_cache, user._group_perm_cache = entry[1], entry[2]
        user._perm_cache = {*entry[1], *entry[2]}
        return
    if version is None:
        version = cache_versions.current(VERSION_KEY)
    # Read as the backend reads them (filling both attributes) after the version was: a change
    # committed meanwhile has moved it, and what is kept under the old one is never read.
    user._perm_cache = ModelBackend().get_all_permissions(user)
    if version is not None:
        entry = (version, *(getattr(user, name) for name in _ATTRIBUTES))
        cache_versions.call_quietly(cache.set, _key(user), entry, KEPT_SECONDS)


def invalidate():
    """Every kept permission set is read afresh, from the moment the current transaction commits."""
    transaction.on_commit(lambda: cache_versions.renew(VERSION_KEY))


def connect():
    """Move the version with every change to who has which permission (StorefrontConfig.ready)."""
    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_memberships_changed, sender=through, dispatch_uid=f"permission_cache:{through.__name__}")
    for model in (Group, Permission):
        post_delete.connect(_permissions_changed, sender=model, dispatch_uid=f"permission_cache:{model.__name__}:del")
    post_save.connect(_permissions_changed, sender=Permission, dispatch_uid="permission_cache:Permission:save")


def _memberships_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate()


def _permissions_changed(sender, **kwargs):
    invalidate()
