"""`make cluster`: the shop as production runs it, on this machine: app servers behind a load balancer.

    python -m deploy.cluster                     # 2 app servers behind HAProxy on 127.0.0.1:8100
    python -m deploy.cluster --app-servers 3 --port 9000

Processes, each with its own log in the run's folder (printed at start):

- N gunicorn app servers (2 sync workers each, `DEBUG` off) on loopback ports after the balancer's;
- the task worker (`manage.py db_worker`) and the scheduler (`manage.py crontask`), unless
  `TASKS_BACKEND` is the immediate one;
- HAProxy (Debian's `haproxy`) on `--port`, round robin over the app servers with a health check on
  `/readyz` (database and cache), and its statistics page on the port after the last app server.

They share one PostgreSQL database (`DATABASE_URL`) and one Redis (`REDIS_URL`): no stickiness, so
any app server answers any shopper. The settings come from the environment and `.env` as for any
other process; the cluster only sets what makes it production-like on plain HTTP at 127.0.0.1.
`deploy/tests/test_cluster.py` drives a shopper through it and kills an app server mid-run;
docs/deploy.md says how production differs.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_TEMPLATE = Path(__file__).resolve().parent / "haproxy.cfg.template"
HEALTH_PATH = "/readyz"
DEFAULT_PORT = 8100
GUNICORN_WORKERS = 2


class ClusterError(Exception):
    """A process of the cluster did not start or a tool it needs is missing."""


def production_environment(base=None, **overrides):
    """The environment of every process: production settings on plain HTTP at 127.0.0.1.

    `base` (default: this process's environment) supplies DATABASE_URL, REDIS_URL, SECRET_KEY and
    the rest; `overrides` win.
    """
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "DEBUG": "false",
            # No TLS in front of loopback: no redirect to HTTPS, cookies sent over HTTP.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "SECURE_HSTS_SECONDS": "0",
        }
    )
    env.update({name: str(value) for name, value in overrides.items()})
    return env


def wait_for(url, timeout, process=None, expect=200):
    """Poll `url` until it answers `expect`; False when `process` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL we built)
                if response.status == expect:
                    return True
        except urllib.error.HTTPError as error:
            if error.code == expect:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def port_is_free(port):
    """Nothing listens on `port` (a socket left in TIME_WAIT does not count, as for gunicorn)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    """One process of the cluster, its output in `<folder>/<name>.log`."""

    name: str
    argv: list
    env: dict
    folder: Path
    popen: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def log_path(self):
        return self.folder / f"{self.name}.log"

    def start(self):
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    def running(self):
        return self.popen is not None and self.popen.poll() is None

    def kill(self):
        """SIGKILL, as a crash or an out-of-memory kill would: no request in flight is finished."""
        if self.running():
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self, timeout=15):
        """SIGTERM (gunicorn finishes the requests in flight), then SIGKILL after `timeout`."""
        if not self.running():
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Cluster:
    """App servers, the task worker and HAProxy; a context manager that starts and stops them all."""

    def __init__(self, env, *, port=DEFAULT_PORT, app_servers=2, folder=None, worker=None, health_path=HEALTH_PATH):
        if shutil.which("haproxy") is None:
            raise ClusterError("HAProxy is needed: apt-get install haproxy")
        self.env = env
        self.port = port
        self.health_path = health_path
        self.app_ports = [port + number for number in range(1, app_servers + 1)]
        self.stats_port = port + app_servers + 1
        self.folder = Path(folder or tempfile.mkdtemp(prefix="marque-cluster-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        python = Path(sys.executable)
        gunicorn = python.with_name("gunicorn")
        self.app_servers = [
            Process(
                f"app{number}",
                [
                    str(gunicorn),
                    "storefront.wsgi:application",
                    f"--workers={GUNICORN_WORKERS}",
                    f"--bind=127.0.0.1:{app_port}",
                    "--graceful-timeout=10",
                    "--timeout=30",
                    # Metrics of both workers added up (README, Operations).
                    "--config=python:storefront.gunicorn_conf",
                ],
                {**env, "PROMETHEUS_MULTIPROC_DIR": str(self.folder / f"metrics-app{number}")},
                self.folder,
            )
            for number, app_port in enumerate(self.app_ports, start=1)
        ]
        if worker is None:
            worker = "ImmediateBackend" not in env.get("TASKS_BACKEND", "")
        manage = [str(python), "manage.py"]
        self.workers = (
            [
                Process("worker", [*manage, "db_worker", "--queue-name", "*"], env, self.folder),
                Process("scheduler", [*manage, "crontask"], env, self.folder),
            ]
            if worker
            else []
        )
        self.balancer = Process("haproxy", ["haproxy", "-db", "-f", str(self.folder / "haproxy.cfg")], env, self.folder)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def processes(self):
        return [*self.app_servers, *self.workers, self.balancer]

    def haproxy_config(self):
        servers = "\n".join(
            f"    server {server.name} 127.0.0.1:{app_port} check inter 1s fall 3 rise 2"
            for server, app_port in zip(self.app_servers, self.app_ports, strict=True)
        )
        return Template(HAPROXY_TEMPLATE.read_text()).substitute(
            LB_PORT=self.port, STATS_PORT=self.stats_port, HEALTH_PATH=self.health_path, SERVERS=servers
        )

    def start(self, timeout=60):
        busy = [port for port in (self.port, *self.app_ports, self.stats_port) if not port_is_free(port)]
        if busy:
            raise ClusterError(f"Ports already in use on 127.0.0.1: {', '.join(map(str, busy))}")
        (self.folder / "haproxy.cfg").write_text(self.haproxy_config())
        for server in self.app_servers:
            Path(server.env["PROMETHEUS_MULTIPROC_DIR"]).mkdir(exist_ok=True)
            server.start()
        for server, app_port in zip(self.app_servers, self.app_ports, strict=True):
            if not wait_for(f"http://127.0.0.1:{app_port}{self.health_path}", timeout, server.popen):
                self.stop()
                raise ClusterError(f"{server.name} did not answer {self.health_path}; its log: {server.log_path}")
        for process in self.workers:
            process.start()
        self.balancer.start()
        if not wait_for(f"{self.url}{self.health_path}", timeout, self.balancer.popen):
            self.stop()
            raise ClusterError(f"HAProxy did not answer on {self.url}; its log: {self.balancer.log_path}")
        # Every app server marked up by the health check, not only the first.
        deadline = time.monotonic() + timeout
        while self.servers_up() < len(self.app_servers) and time.monotonic() < deadline:
            time.sleep(0.2)
        return self

    def servers_up(self):
        """How many app servers HAProxy counts as up (its statistics, as CSV)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.stats_port}/;csv", timeout=2) as response:
                rows = response.read().decode().splitlines()
        except OSError:
            return 0
        return sum(1 for row in rows if row.startswith("app_servers,app") and ",UP" in row)

    def stop(self):
        for process in reversed(self.processes):
            process.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def _in_dotenv(name):
    """Whether the settings' env file (`ENV_FILE`, default `.env`) gives `name` a value."""
    path = Path(os.environ.get("ENV_FILE", ROOT / ".env"))
    text = path.read_text() if path.is_file() else ""
    return re.search(rf"^[ \t]*{name}[ \t]*=[ \t]*[^\s#]", text, re.MULTILINE) is not None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="HAProxy's port on 127.0.0.1")
    parser.add_argument("--app-servers", type=int, default=2, help="gunicorn app servers behind it")
    parser.add_argument("--logs", help="folder for each process's log (default: a new temporary folder)")
    args = parser.parse_args(argv)
    env = production_environment()
    # A secret of this run's own when neither the environment nor .env has one: every process of the
    # cluster shares it (sessions and signed cookies last as long as the cluster).
    if not env.get("SECRET_KEY") and not _in_dotenv("SECRET_KEY"):
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    if not env.get("REDIS_URL") and not _in_dotenv("REDIS_URL"):
        print("REDIS_URL is not set: each app server keeps its own cache (set it to share one).", file=sys.stderr)
    cluster = Cluster(env, port=args.port, app_servers=args.app_servers, folder=args.logs)
    # SIGTERM (a supervisor, `kill`) stops the processes as Ctrl-C does: they run in sessions of their own.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        cluster.start()
    except ClusterError as error:
        sys.exit(str(error))
    print(f"MARQUE on {cluster.url} (HAProxy statistics on http://127.0.0.1:{cluster.stats_port}/)")
    for process in cluster.processes:
        print(f"  {process.name:8} pid {process.popen.pid:>7}  log {process.log_path}")
    print("Ctrl-C stops them all.")
    try:
        # Like production, the rest goes on when one process stops (the balancer routes around an
        # app server that died; the scheduler may step aside for one holding its lock); it ends
        # when the balancer or every app server is gone.
        reported = set()
        while cluster.balancer.running() and any(server.running() for server in cluster.app_servers):
            for process in cluster.processes:
                if not process.running() and process.name not in reported:
                    reported.add(process.name)
                    print(
                        f"{process.name} stopped (exit {process.popen.returncode}); see {process.log_path}",
                        file=sys.stderr,
                    )
            time.sleep(1)
        print("The balancer or every app server stopped; stopping the rest.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
