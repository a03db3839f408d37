"""What the cluster must prove (issue 16), each as a function returning the facts it found: the marked test
(tests/test_cluster.py) asserts them, ``make bench`` (tests/benchmarks/cluster.py) prints them.

Every function takes a running ``tests.cluster.Cluster`` and the data made by ``tests.cluster_data setup``.
"""

import json
import multiprocessing
import os
import re
import signal
import time
from collections import Counter

from django.urls import reverse

from tests.benchmarks.load_client import run_process, save_jobs, told_saved
from tests.cluster import Browser, request
from tests.factories.files import minimal_pdf

JOB_ID = re.compile(rb'id="job-(\d+)"')
JOB_LINE = re.compile(rb"<span>([^<]*)</span><span>(\d+) / (\d+)</span>")


def setup(users=50, certificates=100):
    """The cluster's ``prepare``: the data of tests/cluster_data.py (in ``cluster.prepared``)."""

    def prepare(cluster):
        path = cluster.root / "data.json"
        cluster.data("setup", str(path), str(users), str(certificates))
        return json.loads(path.read_text())

    return prepare


# --- files ---


def cross_server_download(cluster, data):
    """A camat uploads a PDF through app server 1; an assessor downloads it through app server 2."""
    first, second = cluster.app_ports
    evidence = data["evidence"]
    content = minimal_pdf(["Laporan realisasi anggaran", os.urandom(16).hex()])
    camat = Browser(evidence["session"])
    upload = reverse("assessments:evidence_upload", args=[evidence["participant"], evidence["indicator"]])
    status, headers, _ = camat.post(
        first, upload, {"caption": "Laporan"}, {"files": ("laporan.pdf", "application/pdf", content)}
    )
    # The message of the upload, set on server 1, is read on server 2 (the next page).
    landed = headers.get("location", "")
    _, _, page = camat.get(second, landed) if landed else (None, None, b"")
    token, name, size = cluster.sql(
        "SELECT token::text, file, size FROM assessments_evidencefile WHERE participant_id = %s ORDER BY id DESC",
        [evidence["participant"]],
    )[0]
    assessor = Browser(evidence["assessor_session"])
    got, got_headers, downloaded = assessor.get(second, reverse("assessments:evidence_download", args=[token]))
    anonymous = request(second, "GET", reverse("assessments:evidence_download", args=[token]))[0]
    media = cluster.root / "media-unused"
    return {
        "upload_status": status,
        "message_on_other_server": b"Uploaded for" in page,
        "download_status": got,
        "identical": downloaded == content,
        "bytes": len(content),
        "in_bucket": cluster.objects().get(f"media/{name}") == size == len(content),
        "served_as_attachment": got_headers.get("content-disposition", "").startswith("attachment"),
        "anonymous_status": anonymous,
        "local_files": sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0,
    }


# --- what the servers share: sessions, messages, lock-out, throttles ---


def shared_state(cluster):
    """Signed in on one server, known on the other; failed logins and password-reset requests count
    across both."""
    first, second = cluster.app_ports
    person = cluster.prepared["person"]
    login = reverse("accounts:login")
    browser = Browser()
    status, headers, _ = browser.post(first, login, {"username": person["username"], "password": person["password"]})
    signed_in = status == 302
    dashboard = browser.get(second, reverse("dashboard"))
    facts = {
        "login_on_1": status,
        "dashboard_on_2": dashboard[0],
        "session_on_2": b"Penilai Kunci" in dashboard[2],
    }
    # Logged out on server 2: the session is gone on server 1 too.
    facts["logout_on_2"] = browser.post(second, reverse("accounts:logout"))[0]
    facts["after_logout_on_2_dashboard_on_1"] = browser.get(first, reverse("dashboard"))[0]

    # Failed logins, alternating between the servers, until the lock-out; then the right password, on
    # either, is refused.
    attempts = []
    for attempt in range(5):
        port = (first, second)[attempt % 2]
        attempts.append(Browser().post(port, login, {"username": person["username"], "password": "salah"})[0])
    facts["failed_logins"] = attempts
    facts["right_password_after_lockout"] = [
        Browser().post(port, login, {"username": person["username"], "password": person["password"]})[0]
        for port in (first, second)
    ]
    facts["signed_in_first"] = signed_in

    # Password-reset mails: at most 3 an hour from one address, counted across the servers.
    reset = reverse("accounts:password_reset")
    facts["password_resets"] = [
        Browser().post((first, second)[i % 2], reset, {"email": person["email"]})[0] for i in range(5)
    ]
    return facts


# --- background jobs ---


def _job_state(browser, port, job_id):
    status, _headers, body = browser.get(port, reverse("documents:job", args=[job_id]))
    match = JOB_LINE.search(body)
    return status, (match.group(1).decode() if match else ""), body


def job_facts(cluster, job_id):
    """What the job and the tasks that ran it became, and the certificates of its edition (read as an
    operator would, in the database)."""
    (status, done, total, error, result, edition), *_ = cluster.sql(
        "SELECT status, done, total, error, result, edition_id FROM assessments_documentjob WHERE id = %s", [job_id]
    )
    tasks = cluster.sql(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE args_kwargs -> 'args' = %s::jsonb "
        "ORDER BY enqueued_at",
        [json.dumps([job_id])],
    )
    ((certificates, subjects, highest),) = cluster.sql(
        "SELECT COUNT(*), COUNT(DISTINCT subject), COALESCE(MAX(version), 0) FROM assessments_document "
        "WHERE edition_id = %s AND kind = 'certificate'",
        [edition],
    )
    return {
        "status": status,
        "done": done,
        "total": total,
        "error": error,
        "result": result,
        "tasks": [{"status": s, "worker_ids": w} for s, w in tasks],
        "certificates": certificates,
        "subjects": subjects,
        "highest_version": highest,
    }


def start_certificate_job(cluster, data, port):
    admin = Browser(data["admin_session"])
    status, headers, _ = admin.post(
        port, reverse("documents:job_start", args=[data["final_edition"]]), {"kind": "certificates"}
    )
    page = admin.get(port, headers.get("location", "").split("#")[0])[2]
    return admin, int(JOB_ID.search(page).group(1)), page


def certificate_job(cluster, data, timeout=300):
    """Started through server 1, polled through both until done; which workers ran it and what it issued."""
    first, second = cluster.app_ports
    started = time.monotonic()
    admin, job_id, page = start_certificate_job(cluster, data, first)
    seen = {first: [], second: []}
    while time.monotonic() - started < timeout:
        for port in (first, second):
            _status, line, body = _job_state(admin, port, job_id)
            progress = JOB_LINE.search(body)
            seen[port].append((line, int(progress.group(2)) if progress else -1))
        if b"hx-trigger" not in body:
            break
        time.sleep(0.2)
    took = time.monotonic() - started
    job = job_facts(cluster, job_id)
    download = admin.get(second, reverse("documents:job_download", args=[job_id]))
    return {
        "job": job,
        "seconds": took,
        "message_on_start": b"The job has started" in page,
        "progress_from_1": seen[first],
        "progress_from_2": seen[second],
        "download_status": download[0],
        "download_is_pdf": download[2].startswith(b"%PDF"),
        "result_in_bucket": bool(job["result"]) and f"media/{job['result']}" in cluster.objects(),
    }


def killed_worker(cluster, data, timeout=60):
    """A second certificate job; the worker that claimed it is killed (SIGKILL) as soon as it runs. The job
    must show as failed with a reason, and a new job must issue no certificate twice."""
    first, second = cluster.app_ports
    admin, job_id, _page = start_certificate_job(cluster, data, first)
    deadline = time.monotonic() + timeout
    claimed_by, state_when_killed = [], None
    while time.monotonic() < deadline:
        rows = cluster.sql(
            "SELECT j.status, j.done, j.total, t.worker_ids FROM assessments_documentjob j, "
            "django_tasks_database_dbtaskresult t WHERE j.id = %s AND t.args_kwargs -> 'args' = %s::jsonb",
            [job_id, json.dumps([job_id])],
        )
        if rows and rows[0][0] == "running":
            state_when_killed, claimed_by = rows[0][:3], rows[0][3]
            break
        time.sleep(0.02)
    index = int(claimed_by[0].rsplit("-", 1)[1]) - 1
    cluster.kill_worker(index, signal.SIGKILL)
    time.sleep(0.5)
    _status, line, body = _job_state(admin, second, job_id)
    after = job_facts(cluster, job_id)
    cluster.start_worker(index)
    # Started again: the certificates issued by the first job are the ones handed out, none twice.
    again = certificate_job(cluster, data)
    return {
        "killed": claimed_by[0],
        "state_when_killed": state_when_killed,
        "shown_on_2": line,
        "reason_shown": b"stopped before it finished" in body,
        "after": after,
        "again": again["job"],
        "again_seconds": again["seconds"],
    }


# --- saves under load ---


def save_run(data, port, users, duration, during=None):
    """``users`` assessors saving scores through ``port`` for ``duration`` seconds (client processes as in
    tests/benchmarks/load.py); ``during(start_at)`` runs meanwhile. Keeps what each was told in ``data``."""
    template = reverse("assessments:score_save", args=[987654321, 123456789])
    path = template.replace("987654321", "{sheet}").replace("123456789", "{indicator}")
    jobs = save_jobs(port, data, users, path, data.setdefault("_states", {}))
    processes = max(2, min(4, os.cpu_count() or 2))
    context = multiprocessing.get_context("spawn")
    start_at = time.monotonic() + 4.0  # the client processes are up by then
    with context.Pool(processes) as pool:
        pending = pool.starmap_async(
            run_process, [(jobs[i::processes], "save", start_at, duration, 2000 + i) for i in range(processes)]
        )
        marks = during(start_at) if during else {}
        results = pending.get(timeout=duration + 120)
    for i, result in enumerate(results):
        for job, state in zip(jobs[i::processes], result["states"], strict=True):
            data["_states"][str(job["sheet"])] = state
    events = [event for result in results for event in result["events"]]
    statuses = Counter(status for _s, _e, status in events)
    return {
        "events": events,
        "statuses": dict(statuses),
        "saves_per_second": statuses.get(200, 0) / duration,
        "marks": marks,
        "samples": {k: v for result in results for k, v in result["samples"].items()},
    }


def check_saves(cluster, data):
    """What the virtual users were told, against the scores and their history (tests/benchmarks/load_data.py)."""
    path = cluster.root / "accepted.json"
    path.write_text(json.dumps(told_saved(data.get("_states", {}))))
    return json.loads(cluster.data("check", str(path)))


def killed_app_during_saves(cluster, data, users=50, duration=12, kill_at=4):
    """``users`` assessors save through the balancer; app server 1 is killed (SIGKILL, its whole process
    group) ``kill_at`` seconds in. Saves go on through server 2; nothing answered is lost or doubled."""

    def kill(start_at):
        time.sleep(max(0, start_at + kill_at - time.monotonic()))
        moment = time.monotonic()
        cluster.kill_app(0, signal.SIGKILL)
        return {"killed": moment}

    outcome = save_run(data, cluster.balancer_port, users, duration, during=kill)
    killed = outcome["marks"]["killed"]
    after_kill = [e for s, e, status in outcome["events"] if status == 200 and s > killed + 1]
    # When each failed request got its answer (or lost its connection), from the kill.
    failures = [(round(e - killed, 2), status) for _s, e, status in outcome["events"] if status != 200]
    verdict = check_saves(cluster, data)
    return {
        "statuses": outcome["statuses"],
        "saves_per_second": outcome["saves_per_second"],
        "answered_after_kill": len(after_kill),
        "failures_from_kill": sorted(failures, key=lambda f: f[0]),
        "check": verdict,
        "samples": outcome["samples"],
        "served_by_after": sorted(cluster.served_by(6)),
    }
