"""Benchmarks run by ``make bench`` (``python -m tests.bench [AREA ...]``).

One module per area in this package (``ranking.py``, ``scoring.py`` …). A module registers its
functions with ``@benchmark("area")``; each function receives a ``Context`` and prints its figures
with ``ctx.report(...)``. Benchmarks report figures, they never fail on speed: an exception means
the benchmark itself is broken.

The runner (``tests/bench.py``) has already set up Django and a scratch database (migrated, empty)
before any benchmark runs; ``ctx.database_url`` points at it, for benchmarks that start servers
(e.g. gunicorn) which must use the same data. Benchmarks of one run share that database, so make
your own data (your own edition/province objects) and do not rely on another area's.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field

REGISTRY = {}  # area -> [function, ...] in registration order


def benchmark(area):
    def register(function):
        REGISTRY.setdefault(area, []).append(function)
        return function

    return register


def discover():
    """Import every module of this package so that their benchmarks register themselves."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY


@dataclass
class Context:
    database_url: str
    vendor: str
    figures: list = field(default_factory=list)

    def report(self, label, value, unit=""):
        """Print one figure (and keep it for the summary)."""
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        line = f"  {label:<60} {text} {unit}".rstrip()
        self.figures.append(line)
        print(line, flush=True)
