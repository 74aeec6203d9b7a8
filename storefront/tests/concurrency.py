"""Running actions at the same moment, each in its own thread with its own database connection."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def run_at_once(actions):
    """Run every action (at once on PostgreSQL; one after another on SQLite, whose writers take
    turns); the outcome of each."""
    workers = len(actions) if connection.vendor == "postgresql" else 1
    start = threading.Barrier(workers)

    def run(action):
        try:
            if workers > 1:
                start.wait(timeout=30)
            return action()
        finally:
            if workers > 1:
                connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, actions))
