"""The load benchmark's client: virtual users on keep-alive HTTP/1.1 connections to 127.0.0.1.

One process per CPU (the GIL would make a single process the bottleneck), each running its share
of the virtual users as threads. Every request is recorded as (start, end, status) on the shared
monotonic clock, so the fault run can place each answer before, during or after the outage.
"""

import http.client
import random
import re
import threading
import time
import traceback
from decimal import Decimal
from urllib.parse import urlencode

CLIENT_TIMEOUT = 30  # seconds: an answer later than this counts as a hang
VERSION = re.compile(rb'id="version-(\d+)" value="(\d+)"')


def _headers(session, csrf, form=True):
    headers = {"Cookie": f"csrftoken={csrf}" + (f"; sessionid={session}" if session else "")}
    if form:
        headers.update(
            {
                "X-CSRFToken": csrf,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
        )
    return headers


def _value_text(hundredths):
    # As an Indonesian assessor types it: decimal comma, no trailing zeros.
    whole, cents = divmod(hundredths, 100)
    return str(whole) if not cents else f"{whole},{cents:02d}".rstrip("0")


def _save_scores(job, deadline, rng, events, samples):
    """One virtual user: saves a random indicator of its own sheet, again and again, until the deadline."""
    port, sheet, session, indicators, state = job["port"], job["sheet"], job["session"], job["indicators"], job["state"]
    csrf = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32))
    headers = _headers(session, csrf)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    # (indicator, value, tries) of a save that got no answer: sent again first, as the offline sheet does.
    unanswered = None
    while time.monotonic() < deadline:
        if unanswered:
            indicator, hundredths, tries = unanswered
            key = f"{sheet}:{indicator}"
            known = state[key]
        else:
            indicator, low, high = rng.choice(indicators)
            key = f"{sheet}:{indicator}"
            known = state.setdefault(key, {"version": 0, "last": None, "accepted": 0, "unanswered": 0})
            low, high = int(Decimal(low) * 100), int(Decimal(high) * 100)
            hundredths, tries = rng.randint(low, high), 0
            if hundredths == known["last"]:
                hundredths = low if hundredths != low else high
        body = urlencode({"value": _value_text(hundredths), "comment": "", "version": known["version"]})
        started = time.monotonic()
        try:
            conn.request("POST", job["path"].format(sheet=sheet, indicator=indicator), body, headers)
            response = conn.getresponse()
            content = response.read()
            status = response.status
        except TimeoutError:
            status, content = "timeout", b""
            conn.close()
        except (OSError, http.client.HTTPException) as error:
            status, content = f"connection error ({type(error).__name__})", b""
            conn.close()
        ended = time.monotonic()
        events.append((started, ended, status))
        if status in (200, 409):
            match = VERSION.search(content)
            if match:
                known["version"] = int(match.group(2))
        unanswered = None
        if status == 200:
            known["accepted"] += 1
            known["last"] = hundredths
            # Settled: whether an earlier try landed or not, the value is now stored once (an equal value
            # sent again is no second change), so those tries no longer count as unanswered.
            known["unanswered"] -= tries
        elif not isinstance(status, int) or status in (502, 504):
            # No answer: the server may still have saved it (as for a browser that lost its connection; 502
            # and 504 are a load balancer's words for a server that died or stalled with the request). The
            # same value goes again with the same version, as the offline sheet sends it: if the first one
            # landed, the server answers 200 without a second change; otherwise this one is the change.
            known["unanswered"] += 1
            unanswered = (indicator, hundredths, tries + 1)
        elif status not in samples:
            samples[status] = content[:300].decode("utf-8", "replace")
    conn.close()


def save_jobs(port, data, count, path, states):
    """The jobs of ``count`` virtual users saving scores (``_save_scores``), each on its own sheet of ``data``
    (tests/benchmarks/load_data.py), at ``path`` (with ``{sheet}`` and ``{indicator}``); what each is told is
    kept in ``states``, by sheet."""
    indicators = [tuple(i) for i in data["indicators"]]
    return [
        {
            "port": port,
            "sheet": sheet,
            "session": session,
            "path": path,
            "indicators": indicators,
            "state": states.setdefault(str(sheet), {}),
        }
        for sheet, session in data["sheets"][:count]
    ]


def told_saved(states):
    """What the virtual users were told, as load_data's check reads it: per "sheet:indicator", the saves
    answered 200, the last value answered 200 (as text) and the saves still without an answer."""
    told = {}
    for state in states.values():
        for key, known in state.items():
            last = known["last"]
            shown = f"{last // 100}.{last % 100:02d}" if last is not None else None
            told[key] = [known["accepted"], shown, known["unanswered"]]
    return told


def _get(job, deadline, rng, events, samples):
    """One virtual user requesting a page (the minimal view) again and again."""
    headers = _headers(job.get("session"), "x" * 32, form=False)
    conn = http.client.HTTPConnection("127.0.0.1", job["port"], timeout=CLIENT_TIMEOUT)
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            conn.request("GET", job["path"], headers=headers)
            response = conn.getresponse()
            content = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            status, content = f"connection error ({type(error).__name__})", b""
            conn.close()
        events.append((started, time.monotonic(), status))
        if status != 200 and status not in samples:
            samples[status] = content[:300].decode("utf-8", "replace")
    conn.close()


def run_process(jobs, kind, start_at, duration, seed):
    """Run these virtual users as threads from ``start_at`` for ``duration`` seconds (in a child process)."""
    rng = random.Random(seed)  # noqa: S311 - load pattern, not security
    work = _save_scores if kind == "save" else _get
    events, samples, crashes = [], {}, []

    def target(*args):
        try:
            work(*args)
        except Exception:  # noqa: BLE001 - handed back to the benchmark, which fails
            crashes.append(traceback.format_exc())

    deadline = start_at + duration
    threads = [
        threading.Thread(target=target, args=(job, deadline, random.Random(rng.random()), events, samples))  # noqa: S311
        for job in jobs
    ]
    while time.monotonic() < start_at:
        time.sleep(0.005)
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if crashes:
        raise RuntimeError(f"{len(crashes)} virtual user(s) crashed:\n{crashes[0]}")
    return {
        "events": events,
        "samples": samples,
        "states": [job.get("state", {}) for job in jobs],
        "cpu": time.process_time() - cpu,
    }
