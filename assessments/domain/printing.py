"""Many documents rendered at once on every core: all certificates or all recaps of an edition.

The parent process reads everything from the database (the documents' facts, codes and versions, the
edition's look); the pages are rendered in parts (a chunk of certificates, or one recap) by a pool of
worker processes that only turn facts into PDFs (Django templates and WeasyPrint) and never touch the
database. The parent saves the progress as parts finish and appends them in order to one PDF (pypdf)
while the others still render. A part that fails (or a worker that dies) fails the whole job.

``DOCUMENT_PROCESSES`` sets the pool's size (default: the machine's cores); 1 renders in the calling
process. Workers are forked: they start with the parent's imported code and compiled templates, and
keep their fonts (WeasyPrint's FontConfiguration) from one part to the next.
"""

import ctypes
import gc
import io
import logging
import math
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from assessments.domain.documents import load_fonts, load_templates, render_part
from assessments.models import Document

logger = logging.getLogger(__name__)

CHUNK = 50  # certificates per part at most (the progress bar moves after each part)
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class RenderingFailed(Exception):
    """A part could not be rendered: the whole job fails and nothing is saved."""


@dataclass(frozen=True)
class Part:
    """What a worker renders into one PDF: documents of one kind, as plain data (no model, no database)."""

    kind: str
    pages: tuple  # (facts, code, version) of each document
    first: int  # position of the first document among all of them (1-based), for messages
    size: int


def processes():
    """How many processes render documents at once (``DOCUMENT_PROCESSES``; 0: the cores this process may
    run on, which a container may limit below the machine's)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, int(getattr(settings, "DOCUMENT_PROCESSES", 0) or cores or 1))


def parts_of(documents):
    """The documents split into parts: certificates in chunks of at most ``CHUNK`` (one HTML text renders
    many pages), every other kind one document per part. Certificates make a multiple of the processes'
    count of equal chunks, so that the processes finish together (666 on 2: 14 chunks of 48)."""
    if not documents:
        return []
    kind = documents[0].kind
    if kind != Document.Kind.CERTIFICATE:
        size = 1
    else:
        count = processes() * math.ceil(len(documents) / (processes() * CHUNK))
        size = math.ceil(len(documents) / count)
    return [
        Part(
            kind=kind,
            pages=tuple((d.facts, d.code, d.version) for d in documents[start : start + size]),
            first=start + 1,
            size=len(documents[start : start + size]),
        )
        for start in range(0, len(documents), size)
    ]


def render_merged(parts, look, progress=None):
    """One PDF of every part's pages in order (pypdf). Each part is appended as soon as the parts before
    it are in, while the others still render: at the end only the writing is left."""
    if len(parts) == 1:
        return render_parts(parts, look, progress)[0]
    merger = _Merger()
    render_parts(parts, look, progress, each=merger.add)
    return merger.pdf()


def render_parts(parts, look, progress=None, each=None):
    """Each part's PDF, in order; or, with ``each``, ``each(index, pdf)`` as parts finish (nothing kept).
    ``progress(done)`` is called with the number of documents rendered so far as parts finish. Any part
    failing raises ``RenderingFailed`` (the others are abandoned)."""
    count = min(processes(), len(parts))
    results, done = [None] * len(parts), 0

    def finished(index, pdf):
        nonlocal done
        if each:
            each(index, pdf)
        else:
            results[index] = pdf
        done += parts[index].size
        if progress:
            progress(done)

    if count <= 1:
        for index, part in enumerate(parts):
            finished(index, _render_checked(part, look))
        return results
    load_templates()  # once, here: every worker inherits them
    executor = ProcessPoolExecutor(
        count, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker, initargs=(look, os.getpid())
    )
    with executor:
        # The workers are forked at the first submit. The parent's objects are frozen meanwhile: the
        # children's garbage collector leaves them alone (no page copied for nothing, nothing walked
        # again while laying out pages).
        gc.freeze()
        try:
            futures = {executor.submit(_render_checked, part, None): index for index, part in enumerate(parts)}
        finally:
            gc.unfreeze()
        try:
            for future in as_completed(futures):
                finished(futures[future], future.result())
        except BrokenProcessPool:
            raise RenderingFailed(
                _("A process rendering the documents stopped (out of memory?). No file was saved; try again.")
            ) from None
        finally:
            executor.shutdown(cancel_futures=True)
    return results


class _Merger:
    """The parts' pages appended in order, whatever order the parts arrive in."""

    def __init__(self):
        self.writer, self.waiting, self.next = PdfWriter(), {}, 0

    def add(self, index, pdf):
        self.waiting[index] = pdf
        while self.next in self.waiting:
            self.writer.append(io.BytesIO(self.waiting.pop(self.next)))
            self.next += 1

    def pdf(self):
        """The merged PDF as bytes (saved once, by the caller, never half-written)."""
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue()


# --- the workers ----------------------------------------------------------------------------------

_worker = {"look": None, "inherited": []}


def _no_database(*args, **kwargs):
    raise RuntimeError("Document workers render from the facts they are given; they never query the database.")


def _start_worker(look, parent):
    """In each new worker: die with the parent, keep the edition's look, and put the database connections
    inherited from the parent aside, untouched; any query raises instead.

    A worker must not outlive its parent (a job's process killed mid-job): it would hold the parent's
    database connection open, and with it the job's lock that tells the job page the job is abandoned.

    The parent keeps its connection open while the workers run: it may be inside a transaction (a test,
    an immediate task) and it holds the running job's advisory lock (jobs.run_job). A worker never sends
    a byte on it: it keeps the inherited connection referenced, so it is never closed (closing sends the
    server a goodbye that would end the parent's session), and workers end without running finalizers."""
    _die_with(parent)
    _worker["look"] = look
    for connection in connections.all(initialized_only=True):
        _worker["inherited"].append(connection.connection)
        connection.connection = None
        connection.connect = _no_database
    gc.freeze()
    load_fonts()


def _die_with(parent):
    """Ask Linux to kill this process when its parent dies (prctl PR_SET_PDEATHSIG); if the parent is
    already gone, stop now."""
    libc = ctypes.CDLL(None, use_errno=True)
    if hasattr(libc, "prctl"):
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _render_checked(part, look):
    """The part's PDF; in a worker, with the look it was started with."""
    try:
        return render_part(part.kind, part.pages, look or _worker["look"])
    except Exception as error:
        logger.exception("Rendering documents %s–%s failed", part.first, part.first + part.size - 1)
        raise RenderingFailed(
            _("Documents %(first)s–%(last)s could not be rendered (%(error)s). No file was saved; try again.")
            % {"first": part.first, "last": part.first + part.size - 1, "error": error}
        ) from None
