"""A production-shaped deployment on loopback: PostgreSQL, an S3 server, two gunicorn app servers behind
HAProxy, and two task workers on the database queue. It stops everything it started, whatever happens.

    python -m tests.cluster                 # bring it up, print the addresses, wait for Ctrl-C
    python -m tests.cluster -- COMMAND ...  # run COMMAND with CLUSTER_* variables set, then stop

From Python (the marked test tests/test_cluster.py and ``make bench``'s ``cluster`` area):

    with Cluster() as cluster:
        cluster.balancer_port, cluster.app_ports, cluster.kill_app(0), cluster.kill_worker(1) ...

Each server runs in its own process group, so ``kill_app`` takes the gunicorn master and its workers down
at once, as a lost machine would. HAProxy (Debian's ``haproxy``) asks every server's ``/readyz/`` each
second and takes a server out after a failed connection; it retries a request only when it could not
connect (a request a server received is never sent twice).
"""

import http.client
import http.cookies
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import pytest

from tests.pgcluster import PostgresCluster, free_port, run_command
from tests.s3server import S3Server

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET = "cluster-only-not-secret-" + "x" * 30  # noqa: S105 - throwaway servers on loopback
BUCKET = "sp2k-cluster"

HAPROXY_CONFIG = """\
global
    maxconn 4000
    log stderr format short local0 info  # failed requests only (dontlog-normal), in the log of haproxy
defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-keep-alive 10s
    # Requests beyond a server's maxconn wait here, first come first served, rather than in one worker's queue.
    timeout queue 30s
    option redispatch
    retries 3
    retry-on conn-failure
frontend portal
    bind 127.0.0.1:{port}
    option forwardfor
    default_backend apps
backend apps
    balance roundrobin
    option httpchk
    http-check send meth GET uri /readyz/ ver HTTP/1.1 hdr Host 127.0.0.1
    # A busy server may take seconds to answer its check: only a failed connection takes it out at once.
    timeout check 10s
    default-server check inter 1s fall 3 rise 2 observe layer4 error-limit 1 on-error mark-down
    # Which server answered: the tests and the benchmark count on both being used.
    http-response set-header X-Served-By %[srv_name]
{servers}
"""


def gunicorn_command(port, workers, threads, capped=True):
    """An app server on ``port`` as the README deploys it. ``capped``: each worker holds at most twice its threads'
    worth of connections, so the balancer's kept connections (about ``maxconn``, see ``server_line``) spread over
    every worker: gthread keeps a connection on the worker that accepted it, and uncapped, one worker was seen
    holding 36 of 50 (its users waited about five times as long as the others')."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "sp2k.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "10",
        "--timeout",
        "60",
    ]
    return command + (["--worker-connections", str(2 * threads)] if capped else [])


def server_line(name, port, workers, threads):
    """The balancer's line for an app server of ``gunicorn_command``: no more requests at once than it has threads."""
    return f"    server {name} 127.0.0.1:{port} maxconn {workers * threads}"


def wait_answering(port, process, name, timeout, path, log):
    """Until ``path`` answers 200 on ``port``; ``process`` may not exit meanwhile (``log()``: what it wrote)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n{log()}")
        try:
            if request(port, "GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{name} was not ready within {timeout} s:\n{log()}")


def haproxy_binary():
    return shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


class Cluster:
    def __init__(self, app_servers=2, workers=2, gunicorn_workers=2, gunicorn_threads=4, prepare=None):
        self.prepare = prepare  # prepare(cluster), run once migrated while the servers start; kept in .prepared
        self.prepared = None
        self.root = Path(tempfile.mkdtemp(prefix="sp2k-cluster-"))
        self.app_count, self.worker_count = app_servers, workers
        self.gunicorn_workers, self.gunicorn_threads = gunicorn_workers, gunicorn_threads
        self.app_ports = [free_port() for _ in range(app_servers)]
        self.balancer_port = free_port()
        self.apps = [None] * app_servers
        self.workers = [None] * workers
        self.haproxy = None
        self.pg = None
        self.s3 = None
        self.env = None

    # --- up and down ---

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        if not haproxy_binary():
            raise RuntimeError("HAProxy not found (apt-get install haproxy)")
        self.pg = PostgresCluster(database="sp2k_cluster")
        self.pg.__enter__()
        self.s3 = S3Server().start()
        self.s3.create_bucket(BUCKET)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "DJANGO_", "PYTEST"))},
            "DJANGO_SETTINGS_MODULE": "sp2k.settings",
            "DATABASE_URL": self.pg.url,
            "DEBUG": "0",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.balancer_port}",
            "SECURE_SSL_REDIRECT": "0",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            # One proxy (HAProxy, on loopback) appends the client's address; nobody else is believed.
            "PROXY_COUNT": "1",
            "TRUSTED_PROXIES": "127.0.0.1",
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "ERROR",
            "MEDIA_ROOT": str(self.root / "media-unused"),  # must stay empty: files are in the bucket
            "FILE_UPLOAD_TEMP_DIR": str(self.root),
            **self.s3.environment(BUCKET),
        }
        self.manage("manage.py", "migrate", "--verbosity", "0")
        for index in range(self.app_count):
            self.start_app(index, wait=False)
        for index in range(self.worker_count):
            self.start_worker(index)
        if self.prepare:
            self.prepared = self.prepare(self)
        for index in range(self.app_count):
            self._wait_ready(self.app_ports[index], self.apps[index], f"app{index + 1}")
        self.start_haproxy()

    def stop(self):
        for index in range(len(self.workers)):
            self.kill_worker(index, signal.SIGTERM)
        if self.haproxy and self.haproxy.poll() is None:
            self.haproxy.terminate()
            _wait(self.haproxy)
        for index in range(len(self.apps)):
            self.kill_app(index, signal.SIGINT)  # gunicorn's quick shutdown (SIGTERM waits for keep-alives)
        if self.s3:
            self.s3.stop()
        if self.pg:
            self.pg.cleanup()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- processes ---

    def _spawn(self, name, command):
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - closed once the child has it
        try:
            # Its own process group: a kill takes the whole server (master and workers) at once.
            return subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=log, stderr=log, start_new_session=True)
        finally:
            log.close()

    def log(self, name):
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def start_app(self, index, wait=True):
        port = self.app_ports[index]
        self.apps[index] = self._spawn(
            f"app{index + 1}",
            [
                *gunicorn_command(port, self.gunicorn_workers, self.gunicorn_threads),
                # Each server its own control socket (the default path is shared by every gunicorn of the user).
                "--control-socket",
                str(self.root / f"app{index + 1}.ctl"),
            ],
        )
        if wait:
            self._wait_ready(port, self.apps[index], f"app{index + 1}")

    def _wait_ready(self, port, process, name, timeout=60):
        wait_answering(port, process, name, timeout, "/readyz/", lambda: self.log(name))

    def kill_app(self, index, sig=signal.SIGKILL):
        _kill_group(self.apps[index], sig)

    def start_haproxy(self):
        servers = "\n".join(
            server_line(f"app{i + 1}", port, self.gunicorn_workers, self.gunicorn_threads)
            for i, port in enumerate(self.app_ports)
        )
        config = self.root / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=self.balancer_port, servers=servers))
        subprocess.run([haproxy_binary(), "-c", "-q", "-f", str(config)], check=True)
        self.haproxy = self._spawn("haproxy", [haproxy_binary(), "-db", "-f", str(config)])
        self._wait_ready(self.balancer_port, self.haproxy, "haproxy")
        # Every server counted healthy before anything is measured.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(self.served_by(len(self.app_ports) * 2)) < len(self.app_ports):
            time.sleep(0.5)

    def served_by(self, requests):
        """The app servers that answered ``requests`` requests through the balancer (by their port)."""
        ports = set()
        for _ in range(requests):
            status, headers, _body = request(self.balancer_port, "GET", "/healthz/", {"Connection": "close"})
            if status == 200:
                ports.add(headers.get("x-served-by", "?"))
        return ports

    def start_worker(self, index):
        self.workers[index] = self._spawn(
            f"worker{index + 1}",
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--worker-id", f"worker-{index + 1}"],
        )

    def kill_worker(self, index, sig=signal.SIGKILL):
        _kill_group(self.workers[index], sig)

    # --- data ---

    def manage(self, *args, timeout=300):
        result = subprocess.run(
            [sys.executable, *args], cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def data(self, *args):
        return self.manage("-m", "tests.cluster_data", *args)

    def sql(self, query, params=()):
        """Rows of one query on the cluster's database (a watch from outside, as an operator would)."""
        with psycopg2.connect(self.pg.url) as connection, connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
        connection.close()
        return rows

    def objects(self):
        return self.s3.objects(BUCKET)


def _kill_group(process, sig):
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    _wait(process)


def _wait(process, timeout=10):
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


# --- a small HTTP client: one browser's cookies, its CSRF token, its language ---


def request(port, method, path, headers=None, body=None, timeout=30):
    """``(status, {header: value}, body)`` of one request to 127.0.0.1:port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        content = response.read()
        headers = {}
        for name, value in response.getheaders():
            key = name.lower()
            headers[key] = f"{headers[key]}\n{value}" if key in headers else value
        return response.status, headers, content
    finally:
        connection.close()


class Browser:
    """Cookies kept across requests to any server of the cluster, as one browser keeps them for the site."""

    CSRF = "k" * 32

    def __init__(self, session=None, language="en"):
        self.cookies = {"csrftoken": self.CSRF, "django_language": language}
        if session:
            self.cookies["sessionid"] = session

    def _headers(self, extra=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # The token of the cookie: Django gives a new one at each sign-in.
        return {"Cookie": cookie, "X-CSRFToken": self.cookies.get("csrftoken", self.CSRF), **(extra or {})}

    def _keep(self, headers):
        for line in headers.get("set-cookie", "").split("\n"):
            if not line:
                continue
            jar = http.cookies.SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, port, path):
        status, headers, body = request(port, "GET", path, self._headers())
        self._keep(headers)
        return status, headers, body

    def post(self, port, path, fields=None, files=None):
        if files:
            content_type, body = multipart(fields or {}, files)
        else:
            content_type, body = "application/x-www-form-urlencoded", urlencode(fields or {}, doseq=True).encode()
        status, headers, content = request(port, "POST", path, self._headers({"Content-Type": content_type}), body)
        self._keep(headers)
        return status, headers, content


def multipart(fields, files):
    boundary = "----sp2kcluster" + os.urandom(8).hex()
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content_type, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        parts.append(head + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def cluster_fixture(prepare=None):
    """A module-scoped fixture of the whole cluster (stopped after the module's tests), with ``prepare``'s
    data in ``cluster.prepared``."""

    @pytest.fixture(scope="module")
    def cluster():
        with Cluster(prepare=prepare) as running:
            yield running

    return cluster


def main(argv):
    command = argv[argv.index("--") + 1 :] if "--" in argv else []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a termination still stops every process
    with Cluster() as cluster:
        addresses = {
            "CLUSTER_URL": f"http://127.0.0.1:{cluster.balancer_port}",
            "CLUSTER_APP_URLS": ",".join(f"http://127.0.0.1:{p}" for p in cluster.app_ports),
            "CLUSTER_DATABASE_URL": cluster.pg.url,
            "CLUSTER_S3_ENDPOINT_URL": cluster.s3.endpoint,
        }
        print(json.dumps(addresses, indent=2), flush=True)
        if not command:
            print("Up: the balancer, two app servers, two workers. Ctrl-C stops everything.", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return 0
        return run_command(command, addresses)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
