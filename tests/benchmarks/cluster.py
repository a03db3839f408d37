"""The cluster (issue 16): two gunicorn app servers behind HAProxy, two task workers, PostgreSQL and an S3
server on loopback (tests/cluster.py), with the scenarios of tests/test_cluster.py measured:

1. a file uploaded through one app server downloaded through the other, byte for byte;
2. sessions, the lock-out and the mail throttle across the two servers;
3. saves per second of 50 assessors through one app server, then through the balancer (both servers;
   on one machine they share its cores, so the figure shows the balancer's cost more than its gain);
4. a certificate job: which worker ran it, how long, seen from both servers; a worker killed mid-job;
5. one app server killed during a 50-user save run: what failed, and lost / doubled saves.

The cluster has its own PostgreSQL (not the runner's scratch database). Figures only; a broken scenario raises.
"""

import time

from tests import cluster_checks as checks
from tests.benchmarks import benchmark

USERS = 50
CERTIFICATES = 100
DURATION = 10


@benchmark("cluster")
def cluster(ctx):
    """Two app servers behind HAProxy, two workers, S3 and PostgreSQL: cross-server files, shared state,
    saves/s through the balancer vs one server, jobs and killed processes."""
    from tests.cluster import Cluster

    started = time.perf_counter()
    with Cluster(prepare=checks.setup(users=USERS, certificates=CERTIFICATES)) as running:
        data = running.prepared
        ctx.report(
            "cluster up: PostgreSQL, S3, migrate, data, 2 app servers, HAProxy, 2 workers",
            time.perf_counter() - started,
            "s",
        )
        files = checks.cross_server_download(running, data)
        ctx.report(
            "download through server 2 of an upload through server 1",
            f"{'identical' if files['identical'] else 'DIFFERENT'}, {files['bytes']} bytes, "
            f"in the bucket: {'yes' if files['in_bucket'] else 'NO'}, local files: {files['local_files']}",
        )
        shared = checks.shared_state(running)
        ctx.report(
            "signed in on 1 → dashboard on 2 / signed out on 2 → dashboard on 1",
            f"{shared['dashboard_on_2']} / {shared['after_logout_on_2_dashboard_on_1']}",
        )
        ctx.report("failed logins alternating 1, 2 (5th locks)", shared["failed_logins"])
        ctx.report("right password after the lock-out, on 1 and 2", shared["right_password_after_lockout"])
        ctx.report("password-reset requests alternating (3/hour)", shared["password_resets"])

        one = checks.save_run(data, running.app_ports[0], USERS, DURATION)
        both = checks.save_run(data, running.balancer_port, USERS, DURATION)
        ctx.report(f"saves/s, {USERS} users, one app server directly", one["saves_per_second"])
        ctx.report(f"saves/s, {USERS} users, through the balancer (2 servers)", both["saves_per_second"])
        ctx.report("answers other than 200 (one server / balancer)", f"{_others(one)} / {_others(both)}")

        job = checks.certificate_job(running, data)
        facts = job["job"]
        ctx.report(
            f"certificate job, {CERTIFICATES} certificates: status, worker(s), seconds",
            f"{facts['status']}, {facts['tasks'][0]['worker_ids']}, {job['seconds']:.1f}",
        )
        ctx.report(
            "  progress polls answered by server 1 / server 2",
            f"{len(job['progress_from_1'])} / {len(job['progress_from_2'])}",
        )
        killed = checks.killed_worker(running, data)
        ctx.report(
            "worker killed mid-job: job shown as / its task claimed by",
            f"{killed['shown_on_2']} / {killed['after']['tasks'][0]['worker_ids']}",
        )
        again = killed["again"]
        ctx.report(
            "  started again: status, certificates, highest version (1 = none issued twice)",
            f"{again['status']}, {again['certificates']}, {again['highest_version']}",
        )

        kill = checks.killed_app_during_saves(running, data, users=USERS, duration=DURATION, kill_at=4)
        verdict = kill["check"]
        ctx.report(f"server 1 killed during {USERS} users saving: saves/s", kill["saves_per_second"])
        ctx.report(
            "  failed requests (in flight at the kill) / answered 200 after it",
            f"{len(kill['failures_from_kill'])} / {kill['answered_after_kill']}",
        )
        ctx.report(
            "  saves answered 200 / history rows / saved but left without an answer at the end (all runs)",
            f"{verdict['accepted']} / {verdict['history_rows']} / {verdict['saved_unanswered']}",
        )
        ctx.report("  lost / doubled", f"{verdict['lost']} / {verdict['doubled']}")
        ctx.report("  servers answering afterwards", kill["served_by_after"])
        problems = (
            not files["identical"]
            or verdict["lost"]
            or verdict["doubled"]
            or again["highest_version"] != 1
            or not killed["reason_shown"]
        )
        ctx.report("verdict", "PROBLEMS FOUND" if problems else "OK")
        if problems:
            raise AssertionError("the cluster lost, doubled or mixed up something (see the figures above)")


def _others(outcome):
    others = {k: v for k, v in outcome["statuses"].items() if k != 200}
    return ", ".join(f"{k}: {v}" for k, v in sorted(others.items(), key=str)) or "none"
