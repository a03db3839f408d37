"""SQLite under a small team (issue 11): the embedded database of `make run`, served by gunicorn.

1. assessors save scores at once (each on its own sheet): saves per second, errors (must be 0), and
   every save answered 200 in the history, once (the load benchmark's check);
2. a slow evidence upload (its body trickled over 15 s) while the same assessors keep saving: their
   p95 during the upload, and their errors (before issue 11 the upload held the write lock for its
   whole length and every save failed with "database is locked").

The database is a file of its own (not the runner's scratch database), with the portal's SQLite
settings: WAL, a busy timeout, IMMEDIATE transactions.
"""

import json
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from tests.benchmarks import benchmark
from tests.benchmarks.load import (
    GUNICORN_THREADS,
    GUNICORN_WORKERS,
    Harness,
    _check,
    _large_pdf,
    _merge_states,
    _percentile,
    _request_head,
    _save_jobs,
    _summary,
)
from tests.cluster import multipart

USERS = 8
DURATION = 15
TRICKLE_SECONDS = 15
TRICKLE_MB = 2


def _trickle(harness, path, session, content_type, body, seconds):
    """Send a request whose body arrives bit by bit over ``seconds``; return its status."""
    with socket.create_connection(("127.0.0.1", harness.port), timeout=seconds + 60) as sock:
        sock.sendall(_request_head(harness, path, session, content_type, len(body)))
        pieces = 60
        size = -(-len(body) // pieces)
        for start in range(0, len(body), size):
            sock.sendall(body[start : start + size])
            time.sleep(seconds / pieces)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b"\r\n", 1)[0].split()[1])


@benchmark("sqlite")
def sqlite_team(ctx):
    """SQLite of `make run`: 8 assessors saving at once, and their saves during a slow upload."""
    from django.urls import reverse

    root = Path(tempfile.mkdtemp(prefix="sp2k-sqlite-"))
    problems = 0
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        harness = Harness(ctx, SimpleNamespace(url=f"sqlite:///{root / 'db.sqlite3'}"), root)
        started = time.perf_counter()
        harness.manage("manage.py", "migrate", "--verbosity", "0")
        harness.data("setup", str(root / "data.json"), str(USERS), "1")
        data = json.loads((root / "data.json").read_text())
        ctx.report("setup: SQLite file, migrate, assessors + sessions", time.perf_counter() - started, "s")
        template = reverse("assessments:score_save", args=[987654321, 123456789])

        def path_of(sheet, indicator):
            return template.replace("987654321", str(sheet)).replace("123456789", str(indicator))

        harness.start_gunicorn()
        try:
            ctx.report("gunicorn", f"{GUNICORN_WORKERS} workers × {GUNICORN_THREADS} threads (gthread), SQLite")
            _merge_states(harness, harness.run("save", _save_jobs(harness, data, USERS, path_of), 2))  # warm-up
            outcome = harness.run("save", _save_jobs(harness, data, USERS, path_of), DURATION)
            _merge_states(harness, outcome)
            _summary(ctx, f"SQLite: score save, {USERS} users at once", outcome)
            errors = sum(1 for _s, _e, status in outcome["events"] if status != 200)
            ctx.report(f"SQLite: score save, {USERS} users: errors", errors)
            problems += errors
            problems += _check(harness, ctx, f"SQLite after {USERS} users")
            problems += _slow_upload(harness, ctx, data, path_of)
        finally:
            harness.stop_gunicorn()
        log = harness.gunicorn_log.read_text(errors="replace")
        ctx.report(
            "SQLite: gunicorn log: tracebacks / 'database is locked'",
            f"{log.count('Traceback')} / {log.count('database is locked')}",
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(root, ignore_errors=True)
    if problems:
        raise AssertionError(f"sqlite benchmark: {problems} problem(s), see above")


def _slow_upload(harness, ctx, data, path_of):
    from django.urls import reverse

    evidence = data["evidence"]
    path = reverse("assessments:evidence_upload", args=[evidence["participant"], evidence["indicator"]])
    content_type, body = multipart(
        {"caption": "Laporan kegiatan"}, {"files": ("laporan.pdf", "application/pdf", _large_pdf(TRICKLE_MB))}
    )

    def upload(start_at):
        time.sleep(max(0, start_at + 2 - time.monotonic()))
        marks = {"start": time.monotonic()}
        marks["status"] = _trickle(harness, path, evidence["session"], content_type, body, TRICKLE_SECONDS)
        marks["end"] = time.monotonic()
        return marks

    outcome = harness.run("save", _save_jobs(harness, data, USERS, path_of), TRICKLE_SECONDS + 6, during=upload)
    _merge_states(harness, outcome)
    marks = outcome["marks"]
    during = [(s, e, status) for s, e, status in outcome["events"] if marks["start"] <= s <= marks["end"]]
    ok = [e - s for s, e, status in during if status == 200]
    errors = len(during) - len(ok)
    label = f"SQLite: slow upload ({TRICKLE_MB} MB over {TRICKLE_SECONDS} s)"
    ctx.report(f"{label}: upload answered", f"{marks['status']} after {marks['end'] - marks['start']:.1f} s")
    ctx.report(f"{label}: other users' saves meanwhile, answered 200 / errors", f"{len(ok)} / {errors}")
    ctx.report(
        f"{label}: their latency p50 / p95 / max (ms)",
        f"{_percentile(ok, 50) * 1000:.0f} / {_percentile(ok, 95) * 1000:.0f} / {max(ok, default=0) * 1000:.0f}",
    )
    snapshot = json.loads(harness.data("snapshot"))
    ctx.report(f"{label}: evidence rows after it", snapshot["evidence_files"])
    problems = errors + (marks["status"] != 302) + (snapshot["evidence_files"] != 1) + (not ok)
    problems += _check(harness, ctx, "SQLite after the slow upload")
    return problems
