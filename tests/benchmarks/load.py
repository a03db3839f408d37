"""Load and faults (issue 6): assessors saving scores against gunicorn + PostgreSQL on loopback.

The benchmark starts its own PostgreSQL cluster (it stops and starts it in the middle of a run, so it
cannot be the runner's) and its own gunicorn, then:

1. saves scores with 50 and then 200 virtual users (each on its own sheet), beside the requests per
   second of the smallest view (``/healthz/``) served by the same gunicorn: the ratio is the figure,
   taken in three alternating rounds (minimal view, saves) and reported as their median;
2. checks that every save answered 200 is in the database and in the history, once, and that every
   score matches its history;
3. stops PostgreSQL for 3 s in the middle of a 50-user run: how the failures were answered, whether
   any request hung, how soon saves succeed again, and the same consistency check;
4. cuts a large Excel import and a large evidence upload half-way: nothing may change in the
   database and no file may stay behind (stored or temporary);
5. runs the 50-user rounds of 1. again as the README deploys the portal, behind HAProxy (the
   server's ``maxconn``, gunicorn's workers capped in connections), and checks again.

Figures only: slow numbers never fail; a broken benchmark (or lost data) raises.
"""

import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.benchmarks import benchmark
from tests.benchmarks.load_client import save_jobs, told_saved
from tests.cluster import HAPROXY_CONFIG, gunicorn_command, haproxy_binary, multipart, server_line, wait_answering

USERS = (50, 200)
DURATION = 15  # seconds per measured run
BASELINE_DURATION = 8
ROUNDS = 3  # alternating runs of the minimal view and of the saves, per number of users
FAULT_DURATION = 24
FAULT_STOP_AT = 6  # seconds into the fault run
FAULT_DOWN = 3  # seconds PostgreSQL stays down
GUNICORN_WORKERS, GUNICORN_THREADS = 4, 4
EXCEL_PARTICIPANTS = 30  # × 19 indicators = 570 rows, with comments and a photo pasted in
EVIDENCE_MB = 15
BASE_DIR = Path(__file__).resolve().parents[2]
SECRET = "load-benchmark-only-not-secret-" + "x" * 20  # noqa: S105 - throwaway servers


def _processes():
    return max(2, min(4, os.cpu_count() or 2))


def _percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


class Harness:
    """The cluster, the environment of the servers, gunicorn, and the load runs."""

    def __init__(self, ctx, cluster, root):
        self.ctx = ctx
        self.cluster = cluster
        self.root = root
        self.media = root / "media"
        self.upload_tmp = root / "upload-tmp"
        self.media.mkdir()
        self.upload_tmp.mkdir()
        self.port = _free_port()
        self.entry_port = self.port  # where the virtual users connect: the app server, or the balancer in front
        self.balancer = None
        self.gunicorn = None
        self.states = {}  # str(sheet) -> {"sheet:indicator": what its virtual user was told}, across the runs
        self.gunicorn_log = root / "gunicorn.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "sp2k.settings",
            "DATABASE_URL": cluster.url,
            "DEBUG": "0",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            # No collectstatic here: the manifest storage of production would refuse {% static %}.
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "MEDIA_ROOT": str(self.media),
            "FILE_UPLOAD_TEMP_DIR": str(self.upload_tmp),
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "ERROR",
        }

    # --- data (in a subprocess on the benchmark's cluster) ---

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, *args], cwd=BASE_DIR, env=self.env, check=True, capture_output=True, text=True, timeout=300
        ).stdout

    def data(self, *args):
        return self.manage("-m", "tests.benchmarks.load_data", *args)

    # --- gunicorn ---

    def start_gunicorn(self, capped=False):
        """The app server; ``capped``: as the README deploys it behind the balancer (``cluster.gunicorn_command``)."""
        log = open(self.gunicorn_log, "ab")  # noqa: SIM115 - closed with the server
        self.gunicorn = subprocess.Popen(
            gunicorn_command(self.port, GUNICORN_WORKERS, GUNICORN_THREADS, capped=capped),
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        log.close()
        wait_answering(self.port, self.gunicorn, "gunicorn", 60, "/healthz/", self._gunicorn_log_tail)

    def _gunicorn_log_tail(self):
        return self.gunicorn_log.read_text(errors="replace")[-3000:]

    def start_balancer(self):
        """HAProxy in front of the app server, configured as the cluster test and the README's deployment."""
        self.entry_port = _free_port()
        config = self.root / "haproxy.cfg"
        server = server_line("app1", self.port, GUNICORN_WORKERS, GUNICORN_THREADS)
        config.write_text(HAPROXY_CONFIG.format(port=self.entry_port, servers=server))
        self.balancer = subprocess.Popen(
            [haproxy_binary(), "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # Up, and its health check has found the server ready.
        wait_answering(self.entry_port, self.balancer, "HAProxy", 30, "/healthz/", lambda: "")

    def stop_balancer(self):
        if self.balancer and self.balancer.poll() is None:
            self.balancer.terminate()
            self.balancer.wait(timeout=10)
        self.entry_port = self.port

    def stop_gunicorn(self):
        if self.gunicorn and self.gunicorn.poll() is None:
            self.gunicorn.terminate()
            try:
                self.gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.gunicorn.kill()
                self.gunicorn.wait()

    def _server_cpu(self):
        """CPU seconds used so far by gunicorn (master and workers), by PostgreSQL (every backend) and by the balancer
        when it runs."""
        gunicorn = self.gunicorn.pid if self.gunicorn and self.gunicorn.poll() is None else None
        cpu = {"app server": _tree_cpu(gunicorn)}
        if hasattr(self.cluster, "data"):  # not for the SQLite benchmark's file
            cpu["PostgreSQL"] = _tree_cpu(int((self.cluster.data / "postmaster.pid").read_text().split()[0]))
        if self.balancer and self.balancer.poll() is None:
            cpu["balancer"] = _tree_cpu(self.balancer.pid)
        return cpu

    def _worker_connections(self):
        """The open connections each gunicorn worker holds on the app server's port, most first (from /proc)."""
        established = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == self.port and fields[3] == "01":
                established.add(f"socket:[{fields[9]}]")
        counts = []
        for pid in _children(self.gunicorn.pid):
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except OSError:
                continue  # a worker that ended meanwhile
            counts.append(sum(link in established for link in links))
        return sorted(counts, reverse=True)

    # --- load ---

    def run(self, kind, jobs, duration, during=None):
        """Run the jobs (one per virtual user) split over client processes; ``during`` runs meanwhile."""
        procs = min(_processes(), len(jobs))
        context = multiprocessing.get_context("spawn")
        servers = self._server_cpu()
        start_at = time.monotonic() + 2.0  # every process starts its users at the same moment
        with context.Pool(procs) as pool:
            pending = pool.starmap_async(
                _run_process,
                [(jobs[i::procs], kind, start_at, duration, 1000 + i) for i in range(procs)],
            )
            if during:
                marks = during(start_at)
            else:
                time.sleep(max(0, start_at + duration / 2 - time.monotonic()))
                marks = {"connections": self._worker_connections()}
            results = pending.get(timeout=duration + 120)
        servers = {name: seconds - servers[name] for name, seconds in self._server_cpu().items()}
        events = [event for result in results for event in result["events"]]
        samples = {}
        for result in results:
            samples.update(result["samples"])
        states = {}
        for i, result in enumerate(results):
            for job, state in zip(jobs[i::procs], result["states"], strict=True):
                states[str(job.get("sheet"))] = state
        return {
            "events": events,
            "samples": samples,
            "states": states,
            "cpu": sum(r["cpu"] for r in results),
            "server_cpu": servers,
            "start_at": start_at,
            "duration": duration,
            "marks": marks,
        }


def _run_process(*args):
    from tests.benchmarks.load_client import run_process

    return run_process(*args)


def _processes_now():
    """{pid: (parent pid, CPU seconds of it and of its reaped children)} of every process, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        own_and_reaped = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        found[int(stat.parent.name)] = (int(fields[1]), own_and_reaped / os.sysconf("SC_CLK_TCK"))
    return found


def _children(parent):
    return [pid for pid, (ppid, _cpu) in _processes_now().items() if ppid == parent]


def _tree_cpu(root):
    """CPU seconds (user + system) of process ``root`` and its descendants, from /proc (0 without it). A
    descendant that ended counts in its parent's reaped-children time, so a backend leaving mid-run (a
    closed connection, autovacuum) does not take its CPU out of the figure."""
    if root is None:
        return 0.0
    processes = _processes_now()
    tree, grown = {root}, True
    while grown:
        children = {pid for pid, (parent, _cpu) in processes.items() if parent in tree} - tree
        tree |= children
        grown = bool(children)
    return sum(processes[pid][1] for pid in tree if pid in processes)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _summary(ctx, label, outcome):
    events, duration = outcome["events"], outcome["duration"]
    ok = [end - start for start, end, status in events if status == 200]
    statuses = Counter(status for _s, _e, status in events if status != 200)
    rps = len(ok) / duration
    ctx.report(f"{label}: requests/s (answered 200)", rps)
    ctx.report(
        f"{label}: latency p50 / p95 / p99 (ms)",
        f"{_percentile(ok, 50) * 1000:.0f} / {_percentile(ok, 95) * 1000:.0f} / {_percentile(ok, 99) * 1000:.0f}",
    )
    ctx.report(f"{label}: requests answered 200 / other", f"{len(ok)} / {sum(statuses.values())}")
    if statuses:
        ctx.report(
            f"{label}: other answers by status", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items(), key=str))
        )
    ctx.report(f"{label}: client CPU seconds (all client processes)", outcome["cpu"])
    if "connections" in outcome["marks"]:
        ctx.report(
            f"{label}: connections held by each gunicorn worker, mid-run",
            " / ".join(map(str, outcome["marks"]["connections"])),
        )
    if ok:
        per_request = {"clients": outcome["cpu"], **outcome["server_cpu"]}
        ctx.report(
            f"{label}: CPU per answered request (ms)",
            ", ".join(f"{name} {seconds * 1000 / len(ok):.2f}" for name, seconds in per_request.items()),
        )
    return rps


def _save_jobs(harness, data, count, path_of):
    return save_jobs(harness.entry_port, data, count, path_of("{sheet}", "{indicator}"), harness.states)


def _merge_states(harness, outcome):
    for sheet, state in outcome["states"].items():
        harness.states[sheet] = state


def _check(harness, ctx, label):
    """What the clients were told was saved, against the scores and their history."""
    path = harness.root / "accepted.json"
    path.write_text(json.dumps(told_saved(harness.states)))
    result = json.loads(harness.data("check", str(path)))
    problems = sum(
        result[k]
        for k in (
            "lost",
            "doubled",
            "unexpected_rows",
            "wrong_final_value",
            "broken_history_chain",
            "score_not_matching_history",
            "history_without_score",
        )
    )
    ctx.report(f"{label}: saves answered 200 / history rows", f"{result['accepted']} / {result['history_rows']}")
    if result["unanswered"]:
        ctx.report(
            f"{label}: saves left without an answer at the end (each is sent again until answered) / saved anyway",
            f"{result['unanswered']} / {result['saved_unanswered']}",
        )
    ctx.report(
        f"{label}: lost / doubled / rows no client sent / wrong final value",
        f"{result['lost']} / {result['doubled']} / {result['unexpected_rows']} / {result['wrong_final_value']}",
    )
    ctx.report(
        f"{label}: scores not matching history / broken chains / orphans",
        " / ".join(
            str(result[k]) for k in ("score_not_matching_history", "broken_history_chain", "history_without_score")
        ),
    )
    ctx.report(f"{label}: verdict", "OK: nothing lost, nothing doubled" if not problems else "PROBLEMS FOUND")
    for example in result["examples"]:
        print(f"    {example}")
    return problems


@benchmark("load")
def load_and_faults(ctx):
    """Score saving under load (50/200 users), a PostgreSQL restart mid-run, interrupted uploads."""
    from django.urls import reverse

    from tests.pgcluster import PostgresCluster, find_bin_dir

    try:
        find_bin_dir()
    except SystemExit as missing:
        print(f"  skipped: {missing}")
        return
    if not shutil.which("runuser") and os.geteuid() == 0:
        print("  skipped: runuser is needed to run PostgreSQL as root")
        return
    root = Path(tempfile.mkdtemp(prefix="sp2k-load-"))
    problems = 0
    # make bench stops its child with SIGTERM: turn it into an exception so gunicorn and the cluster stop too.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with PostgresCluster(database="sp2k_load") as cluster:
            harness = Harness(ctx, cluster, root)
            started = time.perf_counter()
            harness.manage("manage.py", "migrate", "--verbosity", "0")
            harness.data("setup", str(root / "data.json"), str(max(USERS)), str(EXCEL_PARTICIPANTS))
            data = json.loads((root / "data.json").read_text())
            ctx.report(
                f"setup: own PostgreSQL, migrate, {len(data['sheets'])} assessors + sessions, 666 participants",
                time.perf_counter() - started,
                "s",
            )
            template = reverse("assessments:score_save", args=[987654321, 123456789])

            def path_of(sheet, indicator):
                return template.replace("987654321", str(sheet)).replace("123456789", str(indicator))

            harness.start_gunicorn()
            try:
                ctx.report(
                    "gunicorn",
                    f"{GUNICORN_WORKERS} workers × {GUNICORN_THREADS} threads (gthread), {os.cpu_count()} CPUs, "
                    f"{_processes()} client processes",
                )
                # Warm-up: workers import, connect and fill their caches; not reported.
                _merge_states(harness, harness.run("save", _save_jobs(harness, data, 50, path_of), 3))
                for users in USERS:
                    _ratio_rounds(ctx, harness, data, users, path_of, reverse("healthz"))
                problems += _check(harness, ctx, "after 50 + 200 users")
                problems += _fault(harness, ctx, data, path_of)
                problems += _interrupted_uploads(harness, ctx, data)
                problems += _behind_the_balancer(ctx, harness, data, path_of, reverse("healthz"))
                log = harness.gunicorn_log.read_text(errors="replace")
                ctx.report(
                    "gunicorn log: tracebacks logged (server side only; the outage's errors)", log.count("Traceback")
                )
                ctx.report("gunicorn log: workers restarted (timeout/killed)", log.count("WORKER TIMEOUT"))
            finally:
                harness.stop_gunicorn()
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(root, ignore_errors=True)
    if problems:
        raise AssertionError(f"load benchmark: {problems} consistency problem(s) found, see above")


def _ratio_rounds(ctx, harness, data, users, path_of, minimal_path, where=""):
    """The minimal view (``minimal_path``), then the saves (jobs made afresh each round, with what the users were
    told so far), ``ROUNDS`` times over at ``users`` users: each round's figures, then the medians of the ratio,
    of the saves' p95 and of how many times their mean latency that p95 is. One pair of runs moves by a fifth
    from one run to the next on a shared machine (the minimal view's figure most), so a single ratio cannot tell
    a change of the code from the noise. ``where`` names the way in when it is not the app server itself."""
    ratios, p95s, spreads = [], [], []
    for number in range(1, ROUNDS + 1):
        label = f"{users} users{where}, round {number}"
        jobs = [{"port": harness.entry_port, "path": minimal_path} for _ in range(users)]
        baseline = _summary(ctx, f"minimal view /healthz/, {label}", harness.run("get", jobs, BASELINE_DURATION))
        outcome = harness.run("save", _save_jobs(harness, data, users, path_of), DURATION)
        _merge_states(harness, outcome)
        rps = _summary(ctx, f"score save, {label}", outcome)
        ratios.append(rps / baseline)
        latencies = [end - start for start, end, status in outcome["events"] if status == 200]
        p95s.append(_percentile(latencies, 95))
        spreads.append(p95s[-1] / statistics.mean(latencies) if latencies else float("nan"))
        ctx.report(f"score save, {label}: ratio to the minimal view", f"{ratios[-1]:.3f}")
    ctx.report(
        f"score save, {users} users{where}: ratio to the minimal view, median of {ROUNDS} rounds (lowest–highest)",
        f"{statistics.median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f})",
    )
    ctx.report(
        f"score save, {users} users{where}: latency p95, median of {ROUNDS} rounds (lowest–highest, ms)",
        f"{statistics.median(p95s) * 1000:.0f} ({min(p95s) * 1000:.0f}–{max(p95s) * 1000:.0f})",
    )
    # With every user sending again at once, the mean wait is users ÷ saves/s: the machine's speed sets it, and
    # the p95 at a given speed is this many times it (how evenly the server shares itself among the users).
    ctx.report(
        f"score save, {users} users{where}: latency p95 ÷ mean, median of {ROUNDS} rounds (lowest–highest)",
        f"{statistics.median(spreads):.2f} ({min(spreads):.2f}–{max(spreads):.2f})",
    )


def _behind_the_balancer(ctx, harness, data, path_of, minimal_path):
    """The 50-user rounds again as the README deploys the portal: HAProxy in front (the server's ``maxconn``,
    the rest queued at the balancer) and every gunicorn worker capped in connections. Straight at gunicorn, a
    virtual user's kept connection stays on the worker that accepted it, and how many each worker gets is
    chance (36 / 6 / 3 / 5 was seen): the p95 above moves with that draw, not with the code."""
    harness.stop_gunicorn()
    harness.start_gunicorn(capped=True)
    harness.start_balancer()
    try:
        _merge_states(harness, harness.run("save", _save_jobs(harness, data, 50, path_of), 3))  # warm-up
        _ratio_rounds(ctx, harness, data, 50, path_of, minimal_path, where=" behind the balancer")
    finally:
        harness.stop_balancer()
    return _check(harness, ctx, "behind the balancer")


def _fault(harness, ctx, data, path_of):
    """Stop PostgreSQL for a few seconds in the middle of a 50-user run."""

    def outage(start_at):
        time.sleep(max(0, start_at + FAULT_STOP_AT - time.monotonic()))
        marks = {"stop": time.monotonic()}
        harness.cluster.stop()
        marks["stopped"] = time.monotonic()
        time.sleep(FAULT_DOWN)
        marks["start"] = time.monotonic()
        harness.cluster.start()
        marks["started"] = time.monotonic()
        return marks

    outcome = harness.run("save", _save_jobs(harness, data, 50, path_of), FAULT_DURATION, during=outage)
    _merge_states(harness, outcome)
    marks, events = outcome["marks"], outcome["events"]
    label = "fault: PostgreSQL stopped"
    ctx.report(
        f"{label} {FAULT_STOP_AT} s into a 50-user run, down for",
        marks["started"] - marks["stop"],
        "s (stop + 3 s + start)",
    )
    failed = [(s, e, status) for s, e, status in events if status != 200]
    by_status = Counter(status for _s, _e, status in failed)
    ctx.report(f"{label}: requests failed", len(failed))
    ctx.report(
        f"{label}: failures by answer", ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items(), key=str)) or "none"
    )
    if failed:
        first_sent = min(s for s, _e, _st in failed) - marks["stop"]
        last_answered = max(e for _s, e, _st in failed) - marks["stop"]
        ctx.report(
            f"{label}: failed requests sent from / answered until (s from the stop)",
            f"{first_sent:.2f} / {last_answered:.2f}",
        )
    after = [e for s, e, status in events if status == 200 and s >= marks["started"]]
    first_ok = min(
        (e for s, e, status in events if status == 200 and e >= marks["stop"] and s >= marks["stopped"]), default=None
    )
    if first_ok is not None:
        ctx.report(f"{label}: first save answered 200 after PostgreSQL was ready", first_ok - marks["started"], "s")
    ctx.report(f"{label}: saves answered 200 after the restart", len(after))
    late_failures = [1 for s, _e, status in failed if s >= marks["started"] + 1]
    ctx.report(f"{label}: failures of requests sent > 1 s after PostgreSQL was ready", len(late_failures))
    slowest = max((e - s for s, e, _st in events), default=0)
    hangs = by_status.get("timeout", 0)
    ctx.report(f"{label}: slowest answer / client timeouts (hangs)", f"{slowest:.2f} s / {hangs}")
    clean = set(by_status) <= {503}  # no 500, no dropped connection, no timeout
    for status, body in sorted(outcome["samples"].items(), key=lambda item: str(item[0])):
        shown = " ".join(body.split())[:140]
        print(f"    answer {status}: {shown}")
        if "Traceback" in body:
            clean = False
    ctx.report(f"{label}: failures answered cleanly (503 page, no traceback)", "yes" if clean else "NO")
    problems = _check(harness, ctx, "after the restart")
    if first_ok is None or not after:
        print("    the portal did not recover by itself")
        problems += 1
    return problems


# --- interrupted uploads ---


def _large_pdf(megabytes):
    """A valid one-page PDF carrying an incompressible stream of the given size."""
    payload = os.urandom(megabytes * 1024 * 1024)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
        b"<< /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _request_head(harness, path, session, content_type, length):
    csrf = "c" * 32
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{harness.port}\r\n"
        f"Cookie: csrftoken={csrf}; sessionid={session}\r\nX-CSRFToken: {csrf}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()


def _send_cut(harness, path, session, content_type, body, fraction=0.5):
    """Send the request head and a part of the body, then drop the connection."""
    with socket.create_connection(("127.0.0.1", harness.port), timeout=10) as sock:
        sock.sendall(_request_head(harness, path, session, content_type, len(body)))
        sock.sendall(body[: int(len(body) * fraction)])
        time.sleep(0.5)  # the server is now part-way through reading the body
        # Proof that the check below means something: the upload was being spooled to disk.
        return bool(_files_in(harness.upload_tmp))


def _send_whole(harness, path, session, content_type, body):
    with socket.create_connection(("127.0.0.1", harness.port), timeout=60) as sock:
        sock.sendall(_request_head(harness, path, session, content_type, len(body)) + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line = answer.split(b"\r\n", 1)[0].decode()
    status = int(status_line.split()[1])
    # The Excel upload first shows what it will change; the assessor's confirmation applies it.
    confirm = re.search(rb'name="confirm" value="([0-9a-f]+)"', answer)
    if status == 200 and confirm:
        form = b"confirm=" + confirm.group(1)
        return _send_whole(harness, path, session, "application/x-www-form-urlencoded", form)
    return status


def _files_in(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _settle(harness, seconds=10):
    """Wait until no temporary upload file is left (or the time is up); the server finishes on its own."""
    deadline = time.monotonic() + seconds
    time.sleep(1)
    while time.monotonic() < deadline and _files_in(harness.upload_tmp):
        time.sleep(0.2)


def _interrupted_uploads(harness, ctx, data):
    from django.urls import reverse

    problems = 0
    workbook = bytes.fromhex(data["excel"]["workbook_hex"])
    excel_path = reverse("assessments:stage_excel_upload", args=[data["stage"]])
    excel_type, excel_body = multipart(
        {},
        {"file": ("nilai-tahap-1.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", workbook)},
    )
    evidence = data["evidence"]
    evidence_path = reverse("assessments:evidence_upload", args=[evidence["participant"], evidence["indicator"]])
    pdf = _large_pdf(EVIDENCE_MB)
    evidence_type, evidence_body = multipart(
        {"caption": "Laporan kegiatan"}, {"files": ("laporan.pdf", "application/pdf", pdf)}
    )
    ctx.report(
        "uploads: Excel workbook / evidence PDF sizes",
        f"{len(workbook) / 1e6:.1f} MB ({data['excel']['rows']} rows) / {len(pdf) / 1e6:.1f} MB",
    )
    for label, path, session, content_type, body in (
        ("Excel import", excel_path, data["excel"]["session"], excel_type, excel_body),
        ("evidence upload", evidence_path, evidence["session"], evidence_type, evidence_body),
    ):
        before = json.loads(harness.data("snapshot"))
        spooled = _send_cut(harness, path, session, content_type, body)
        _settle(harness)
        after = json.loads(harness.data("snapshot"))
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        stray = _files_in(harness.media) + _files_in(harness.upload_tmp)
        ok = not changed and not stray
        problems += not ok
        ctx.report(
            f"uploads: {label} cut half-way: database changes / files left",
            f"{changed or 'none'} / {stray or 'none'}",
        )
        ctx.report(
            f"uploads: {label}: a temporary upload file existed while it was received", "yes" if spooled else "no"
        )
        # The same request sent whole must work, or the cut test proved nothing.
        started = time.perf_counter()
        status = _send_whole(harness, path, session, content_type, body)
        took = time.perf_counter() - started
        _settle(harness)
        whole = json.loads(harness.data("snapshot"))
        grew = {k: whole[k] - after[k] for k in after if whole[k] != after[k]}
        ctx.report(f"uploads: {label} sent whole (control): answer, what it added", f"{status} in {took:.1f} s, {grew}")
        if grew.get("excel_changes"):
            ctx.report("uploads: Excel import applied at (rows/s)", grew["excel_changes"] / took)
        if not grew:
            print(f"    the whole {label} changed nothing: the control failed")
            problems += 1
    leftovers = _files_in(harness.upload_tmp)
    ctx.report("uploads: temporary upload files left at the end", leftovers or "none")
    problems += bool(leftovers)
    ctx.report(
        "uploads: verdict", "OK: an interrupted upload leaves nothing behind" if not problems else "PROBLEMS FOUND"
    )
    return problems
