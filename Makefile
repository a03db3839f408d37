# SP2K portal: `make run` sets everything up and serves the portal; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=
# Tests run in parallel, one process per core (pytest-xdist), each with its own test database; a
# module stays on one process (module-scoped data). PYTEST_XDIST= runs them in one process.
PYTEST_XDIST ?= -n auto --dist loadfile
# The part of the suite also run on SQLite (the embedded database of `make run`): what depends on the
# database engine plus a smoke set (marker `engine`, listed in tests/conftest.py). All of it runs on PostgreSQL.
SQLITE_PYTEST_ARGS ?= -m "engine and not browser and not postgres_only"

.PHONY: venv run serve migrate data test test-postgres test-sqlite bench lint messages clean

# A development machine gets the runtime and the test tools; production installs requirements.txt alone.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

data: migrate
	$(PY) manage.py load_regions
	$(PY) manage.py load_demo

# The background worker (document jobs) runs beside the server and stops with it.
# The documents' QR codes and the e-mails' links point at the address served (unless SITE_URL is given).
# Documents are signed with a demo signer (create_demo_signer: "CONTOH — bukan sertifikat resmi", kept in
# .demo-signer/) unless SIGNING_PKCS12_PATH (environment or .env) names the province's own certificate.
run: data
	export SITE_URL=$${SITE_URL:-http://$(HOST)}; \
	if [ -z "$$SIGNING_PKCS12_PATH" ] && ! grep -qs '^SIGNING_PKCS12_PATH=' .env; then $(PY) manage.py create_demo_signer --folder .demo-signer || exit 1; \
	  export SIGNING_PKCS12_PATH=$(CURDIR)/.demo-signer/signer.p12 SIGNING_PKCS12_PASSPHRASE=contoh-sp2k; fi; \
	$(PY) manage.py db_worker & worker=$$!; $(PY) manage.py run_schedule & schedule=$$!; \
	trap 'kill $$worker $$schedule' EXIT; $(PY) manage.py runserver $(HOST)

serve: venv
	SITE_URL=$${SITE_URL:-http://$(HOST)} $(PY) manage.py runserver $(HOST)

# The import layers and ruff first (seconds), then PostgreSQL (a throwaway cluster unless DATABASE_URL
# is given), then SQLite.
test: lint test-postgres test-sqlite

test-postgres: venv
ifdef DATABASE_URL
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)
else
	$(PY) -m tests.pgcluster -- $(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)
endif

test-sqlite: venv
	DATABASE_URL=sqlite:///$(CURDIR)/test-sqlite.db $(PY) -m pytest -p no:cacheprovider $(PYTEST_XDIST) $(SQLITE_PYTEST_ARGS)

bench: venv
	$(PY) -m tests.pgcluster -- $(PY) -m tests.bench

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

messages: venv
	$(PY) manage.py makemessages -l id --no-obsolete --ignore '.venv/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles test-artifacts
