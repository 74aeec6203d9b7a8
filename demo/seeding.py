"""Deterministic randomness: the same key always gives the same sequence."""

import random

SEED = 20_240_901


def seeded_random(*key):
    """A Random seeded by `key` (ints and strings), independent of every other key."""
    # Demo data only; nothing here is a secret, so a predictable generator is what we want.
    return random.Random(":".join(str(part) for part in (SEED, *key)))  # noqa: S311
