"""Work the background worker runs for someone who waits on a page: its state and its progress."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundRun(models.Model):
    """A run of background work (a document job, a replay of the results): waiting, running, done or failed,
    with ``done`` of ``total`` steps; its page polls it while ``is_running``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)

    class Meta:
        abstract = True

    @property
    def is_running(self):
        """Waiting or running: its page keeps polling it."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_done(self):
        return self.status == self.Status.DONE

    @property
    def is_failed(self):
        return self.status == self.Status.FAILED

    @property
    def percent(self):
        if self.is_done:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
