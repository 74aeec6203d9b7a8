"""The one shape of a refusal the shop explains to a person.

Services raise a subclass of `Refused` with a `message` for the shopper (already translated) and a
stable `code` for the JSON API; pages show the message, the API sends both.
"""


class Refused(Exception):
    """Something the shopper or staff asked for that cannot happen; `message` says why."""

    code = "refused"

    def __init__(self, message, *, code=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ServiceUnavailable(Exception):
    """A service the shop depends on (the cache, the database) cannot be reached right now.

    `storefront.outages` answers it with a 503 page that needs neither; `service` names which.
    """

    service = "service"
