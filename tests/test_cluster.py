"""Two app servers behind HAProxy, two task workers, PostgreSQL and an S3 server, all on loopback
(tests/cluster.py), proving what issue 16 asks of a deployment on more than one machine. The same
scenarios print figures in ``make bench`` (tests/benchmarks/cluster.py)."""

import pytest

from tests import cluster_checks as checks
from tests.cluster import cluster_fixture

pytestmark = pytest.mark.cluster

USERS = 50
CERTIFICATES = 20

cluster = cluster_fixture(prepare=checks.setup(users=USERS, certificates=CERTIFICATES))


@pytest.fixture(scope="module")
def data(cluster):
    return cluster.prepared


def test_both_servers_answer_through_the_balancer_and_are_ready(cluster, data):
    assert cluster.served_by(6) == {"app1", "app2"}
    for port in (*cluster.app_ports, cluster.balancer_port):
        status, _headers, body = checks.request(port, "GET", "/readyz/")
        assert (status, body) == (200, b"database: ok\nstorage: ok\n")


def test_evidence_uploaded_through_one_server_downloads_through_the_other(cluster, data):
    facts = checks.cross_server_download(cluster, data)
    assert facts["upload_status"] == 302
    assert facts["message_on_other_server"]
    assert facts["download_status"] == 200 and facts["served_as_attachment"]
    assert facts["identical"], "the download differs from the upload"
    assert facts["in_bucket"] and facts["local_files"] == 0
    assert facts["anonymous_status"] in (302, 403)


def test_sessions_lockout_and_throttles_hold_across_the_servers(cluster, data):
    facts = checks.shared_state(cluster)
    assert facts["login_on_1"] == 302 and facts["dashboard_on_2"] == 200 and facts["session_on_2"]
    assert facts["after_logout_on_2_dashboard_on_1"] == 302  # back to the login page
    assert facts["failed_logins"][:4] == [200] * 4  # the form again, with its error
    assert facts["failed_logins"][4] == 429  # the fifth, wherever it lands, locks the account
    assert facts["right_password_after_lockout"] == [429, 429]
    assert facts["password_resets"] == [302, 302, 302, 429, 429]


def test_a_certificate_job_is_done_once_with_its_progress_seen_from_both_servers(cluster, data):
    facts = checks.certificate_job(cluster, data)
    job = facts["job"]
    assert job["status"] == "done" and job["done"] == job["total"] == CERTIFICATES
    assert len(job["tasks"]) == 1 and job["tasks"][0]["status"] == "SUCCESSFUL"
    assert len(job["tasks"][0]["worker_ids"]) == 1  # claimed once, by one of the two workers
    assert job["certificates"] == job["subjects"] == CERTIFICATES and job["highest_version"] == 1
    assert facts["message_on_start"]
    for seen in (facts["progress_from_1"], facts["progress_from_2"]):
        assert seen and seen[-1][1] == CERTIFICATES and seen[-1][0].endswith("Done")
    assert facts["download_status"] == 200 and facts["download_is_pdf"] and facts["result_in_bucket"]


def test_a_worker_killed_mid_job_leaves_it_failed_and_nothing_is_issued_twice(cluster, data):
    facts = checks.killed_worker(cluster, data)
    assert facts["state_when_killed"][0] == "running"
    after = facts["after"]
    assert after["status"] == "failed" and not after["result"]
    assert facts["shown_on_2"].endswith("Failed") and facts["reason_shown"]
    assert len(after["tasks"]) == 1 and after["tasks"][0]["worker_ids"] == [facts["killed"]]  # not run twice
    again = facts["again"]
    assert again["status"] == "done" and again["certificates"] == CERTIFICATES and again["highest_version"] == 1


def test_an_app_server_killed_during_50_users_saving_loses_and_doubles_nothing(cluster, data):
    try:
        facts = checks.killed_app_during_saves(cluster, data, users=USERS, duration=10, kill_at=3)
    finally:
        cluster.start_app(0, wait=False)  # for whatever runs after
    verdict = facts["check"]
    assert verdict["lost"] == 0 and verdict["doubled"] == 0 and verdict["unexpected_rows"] == 0
    assert verdict["accepted"] + verdict["saved_unanswered"] == verdict["history_rows"]
    assert verdict["broken_history_chain"] == verdict["score_not_matching_history"] == 0
    assert facts["answered_after_kill"] > 0  # the balancer moved on to the other server
    assert facts["served_by_after"] == ["app2"]
    # Only requests in flight at the kill fail (the balancer's 502, a dropped connection: the client does not
    # know whether they were saved, and the check above counts them so), none before it, none later.
    # A save that got no answer is sent again with the same value, as the sheet does: no conflict (409) later.
    failures = facts["failures_from_kill"]
    outside = [(moment, status) for moment, status in failures if not -0.2 < moment < 2]
    assert not outside, f"{len(outside)} of {len(failures)} failures away from the kill: {outside[:5]}"
