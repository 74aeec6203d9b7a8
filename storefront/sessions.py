"""Sessions kept in PostgreSQL with a copy in Redis (`cached_db`), written so that no copy goes stale.

The database row is the session; Redis holds a copy so that a page reads it without a query. A
visitor's cart and a shopper's sign-in therefore survive a Redis restart or flush.

With Redis away (the strict `sessions` cache alias raises `CacheUnavailable`):
- reading a session falls back to the database, so a visitor with a cart still browses and sees it;
- writing or deleting one fails closed with a 503 page, *before* the database is touched. A write
  that reached the database while the old copy stayed in Redis would come back when Redis does:
  a signed-out session signed in again, a used sign-in step usable again. Each write therefore
  deletes the copy first and only then writes the row (and a new copy).
"""

import contextlib
import functools

from django.contrib.sessions.backends import cached_db

from storefront.resilient_cache import CacheUnavailable


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except CacheUnavailable:
            return self._load_from_db(keep_copy=False)
        return data if data is not None else self._load_from_db(keep_copy=True)

    def _load_from_db(self, *, keep_copy):
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        if keep_copy:
            # Redis may leave between the read and the write: the row is enough then.
            with contextlib.suppress(CacheUnavailable):
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def ensure_writable(self):
        """Raise CacheUnavailable now when a save at the end of the request would fail."""
        self._cache.delete(self.cache_key if self.session_key else self.cache_key_prefix + "writable")

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        # Raises CacheUnavailable while Redis is away: nothing written, nothing to go stale.
        self._cache.delete(self.cache_key)
        super().save(must_create)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        if key is None:
            return
        self._cache.delete(self.cache_key_prefix + key)
        super().delete(session_key)


def needs_session_writes(view):
    """A view whose POST ends in a session write (signing in): refused before it does any work
    (sends a code, uses one up) when the write could not be saved."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        ensure = getattr(request.session, "ensure_writable", None)
        if request.method == "POST" and ensure is not None:
            ensure()
        return view(request, *args, **kwargs)

    return checked
