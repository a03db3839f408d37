"""Run the benchmarks: ``python -m tests.bench`` (all areas) or ``python -m tests.bench ranking``.

``make bench`` runs this inside a throwaway PostgreSQL cluster (DATABASE_URL set). The runner sets up
Django with ``sp2k.settings``, creates and migrates a scratch database (Django's test database,
``test_<name>``), runs the chosen areas' benchmarks from ``tests/benchmarks/``, prints their figures
and drops the scratch database. Slow figures never fail the run; a broken benchmark does (exit 1).
"""

import os
import sys
import time
import traceback


def _database_url(settings_dict):
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = f"{settings_dict.get('HOST') or 'localhost'}:{settings_dict.get('PORT') or 5432}"
    return f"postgres://{auth}{host}/{settings_dict['NAME']}"


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sp2k.settings")
    os.environ.setdefault("DEBUG", "0")  # no query logging in memory while timing
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("SITE_URL", "https://sp2k.invalid")  # required with DEBUG=0; no link leaves the run
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tests.benchmarks import Context, discover

    registry = discover()
    areas = argv or list(registry)
    unknown = [a for a in areas if a not in registry]
    if unknown:
        print(f"Unknown benchmark area(s): {', '.join(unknown)}. Known: {', '.join(registry)}", file=sys.stderr)
        return 2
    print(f"Database: {connection.vendor}. Setting up a scratch database…", flush=True)
    started = time.perf_counter()
    old_config = setup_databases(verbosity=0, interactive=False)
    print(f"  scratch database ready in {time.perf_counter() - started:.1f} s", flush=True)
    failed = False
    try:
        ctx = Context(database_url=_database_url(connection.settings_dict), vendor=connection.vendor)
        for area in areas:
            for function in registry[area]:
                print(f"\n[{area}] {function.__name__}: {(function.__doc__ or '').strip().splitlines()[0]}", flush=True)
                try:
                    function(ctx)
                except Exception:  # noqa: BLE001 - report and go on with the other benchmarks
                    failed = True
                    traceback.print_exc()
        print("\nSummary:")
        print("\n".join(ctx.figures))
    finally:
        teardown_databases(old_config, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
