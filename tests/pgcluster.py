"""A throwaway PostgreSQL cluster: start it, run a command against it, always stop it.

Usage: ``python -m tests.pgcluster -- COMMAND ...`` runs COMMAND with ``DATABASE_URL`` pointing
at a fresh cluster in a temporary folder on a free loopback port, then stops the cluster and
removes the folder, whatever the command's outcome. The server binaries are looked up under
``/usr/lib/postgresql/*/bin`` (newest version first) or ``PG_BIN``. As root, initdb and pg_ctl run
as the ``postgres`` user, since initdb refuses to run as root.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bin_dir():
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    candidates = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not candidates:
        raise SystemExit("PostgreSQL server not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    return max(candidates, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """A cluster in a temporary folder; ``start``, ``stop``, ``restart`` and ``url``."""

    def __init__(self, database="sp2k"):
        self.bin_dir = find_bin_dir()
        self.database = database
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="sp2k-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, tool, *args, check=True):
        command = [str(self.bin_dir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def initdb(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")

    def start(self):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self):
        self.stop()
        self.start()

    def __enter__(self):
        try:
            self.initdb()
            self.start()
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def cleanup(self):
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def main(argv):
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        raise SystemExit("usage: python -m tests.pgcluster -- COMMAND ...")
    # A termination signal must still stop the cluster: turn it into an exception.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with PostgresCluster() as cluster:
        print(f"PostgreSQL {cluster.bin_dir.parent.name} on port {cluster.port} ({cluster.root})", flush=True)
        return run_command(argv, {"DATABASE_URL": cluster.url})


def run_command(command, environment):
    """Run ``command`` with ``environment`` added to this one; its exit status. Interrupted (Ctrl-C, SIGTERM
    turned into an exception), it is stopped before the exception goes on to stop what it ran against."""
    child = subprocess.Popen(command, env={**os.environ, **environment})
    try:
        return child.wait()
    except BaseException:
        child.terminate()
        child.wait()
        raise


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
