import pytest
from django.core.management import call_command


@pytest.fixture
def load_bench(db, settings, tmp_path):
    """Run bench_catalog on the test database; its pictures go to a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def load(products=30, orders=100, **options):
        call_command("bench_catalog", products=products, orders=orders, verbosity=0, **options)

    return load
