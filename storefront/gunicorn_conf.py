"""gunicorn settings for several workers sharing Prometheus metrics: `gunicorn -c python:storefront.gunicorn_conf`.

With PROMETHEUS_MULTIPROC_DIR set, each worker writes its counters to files in that directory and a
scrape of any worker adds up all of them (storefront/metrics.py). The directory is emptied when the
server starts (counters begin at zero, as after any restart) and an exited worker's live gauges are
dropped. Other gunicorn settings come from the command line or GUNICORN_CMD_ARGS as usual.
"""

import os
import shutil
from pathlib import Path


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
