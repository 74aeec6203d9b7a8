"""The admin roles the project creates, and what each may do.

Merchandisers run the catalog and the homepage and moderate every review; market managers move
the orders of the markets assigned to them and moderate those markets' reviews (the scoping itself
is enforced in the admin's querysets).
"""

MERCHANDISER = "Merchandiser"
MARKET_MANAGER = "Market manager"

ALL_ACTIONS = ("view", "add", "change", "delete")


def oversees_every_market(user) -> bool:
    """Whether a staff user works across markets (superusers and merchandisers); a market manager
    sees only the markets assigned to them (`User.managed_market_codes`)."""
    return user.is_superuser or user.groups.filter(name=MERCHANDISER).exists()


def codename(action, model):
    """An action on a model (`view` on `order`: `view_order`), or a custom permission named in full."""
    return action if "_" in action else f"{action}_{model}"


ROLE_PERMISSIONS = {
    MERCHANDISER: {
        "catalog": {
            "category": ALL_ACTIONS,
            "subcategory": ALL_ACTIONS,
            "product": ALL_ACTIONS,
            "productimage": ALL_ACTIONS,
            "productfeature": ALL_ACTIONS,
            "sku": ALL_ACTIONS,
            "marketprice": ALL_ACTIONS,
            "exchangerate": ("view", "change"),
        },
        "reviews": {
            "review": ("view", "change", "delete"),
            "reviewimage": ("view", "delete"),
        },
        "marketing": {
            "banner": ALL_ACTIONS,
            "bannerstat": ("view",),
        },
        "promotions": {
            "sale": ALL_ACTIONS,
            "discountcode": ALL_ACTIONS,
        },
        "help": {
            "helppage": ALL_ACTIONS,
        },
        # What shoppers wait for, to plan restocks.
        "alerts": {
            "stockalert": ("view",),
        },
        # The sales dashboard of every market: they run the sales and codes of both.
        "dashboard": {
            "dailysales": ("view_dashboard",),
        },
    },
    MARKET_MANAGER: {
        "reviews": {
            # Approving or rejecting reviews of their markets' orders; deleting is the merchandisers'.
            "review": ("view", "change"),
            "reviewimage": ("view",),
        },
        "checkout": {
            "order": ("view", "change"),
            "orderitem": ("view",),
            "orderstatushistory": ("view",),
            "paymentevent": ("view",),
            # US sales tax: the admin lets only managers of the US market change it.
            "salestaxrate": ("view", "change"),
        },
        # Parcels of their markets' orders: recorded, never edited afterwards.
        "shipments": {
            "parcel": ("view", "add"),
            "parcelitem": ("view", "add"),
        },
        # Sales and codes of their own markets (the admin scopes them).
        "promotions": {
            "sale": ALL_ACTIONS,
            "discountcode": ALL_ACTIONS,
        },
        # Returns of their markets' orders: approve or reject, mark received, refund (returns.admin).
        "returns": {
            "returnrequest": ("view", "change"),
            "returnitem": ("view",),
            "returnstatushistory": ("view",),
            "refund": ("view",),
        },
        # The sales dashboard of their own markets: a permission of its own, named in full.
        "dashboard": {
            "dailysales": ("view_dashboard",),
        },
    },
}


def _in_state(apps, app_label, model):
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True


def sync_roles(apps):
    """Create both groups with exactly the permissions above (safe to run again)."""
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        # Permissions are normally created after migrate; the roles need them now.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for role, apps_models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        # Migrations run this with the models of their time: a model not there yet (or any more,
        # such as reviews before they moved from catalog) is skipped, and a later migration grants it.
        codenames = [
            (app_label, codename(action, model))
            for app_label, models in apps_models.items()
            for model, actions in models.items()
            if _in_state(apps, app_label, model)
            for action in actions
        ]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)
