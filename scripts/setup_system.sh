#!/usr/bin/env bash
# System packages the test-suite uses, installed from Debian's packages.
# Idempotent; safe to run on a developer machine. In CI (CI=true) it also starts the services.
#
# Chromium for the web app's browser tests (tests/web): Debian's package at /usr/bin/chromium.
#
# PostgreSQL for the diary tests: in CI (or with TWITCHSCOPE_SETUP_SYSTEM=1), as root, this
# installs Debian's postgresql if missing, starts a cluster and creates the role and database
# the tests use at the fixed local URL
#     postgresql+psycopg://twitchscope:twitchscope@127.0.0.1:5432/twitchscope_test
# It exports nothing: the tests try that URL (or $TWITCHSCOPE_TEST_POSTGRES_URL when set) and
# skip their PostgreSQL cases, with the reason, when no server answers there.
set -euo pipefail
need=()
# Debian packages PDF reports need (WeasyPrint, the `pdf` extra): Pango with HarfBuzz subsetting,
# fontconfig and a font family with wide Unicode coverage.
PDF_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
if [ -n "${CI:-}" ] || [ "${TWITCHSCOPE_SETUP_SYSTEM:-}" = "1" ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
  if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${PDF_PACKAGES[@]}"; do installed "${pkg}" || need+=("${pkg}"); done
  fi
  # The web app's browser tests drive Debian's chromium (/usr/bin/chromium) with Playwright's
  # Python package; no browser is downloaded.
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup_system: installing ${need[*]}"
  # A failed install only costs the PostgreSQL cases (they skip) or the PDF tests (they fail with
  # the install hint); it must not stop the set-up.
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; } \
    || echo "setup_system: could not install ${need[*]}; its tests will be skipped"
fi

PG_ROLE=twitchscope
PG_PASSWORD=twitchscope
PG_DB=twitchscope_test
PG_PORT=5432

# Start a PostgreSQL cluster and create the test role and database. Never fails the run: the
# PostgreSQL tests skip themselves when the server is not there.
setup_postgres() {
  command -v pg_lsclusters >/dev/null 2>&1 || { echo "setup_system: no PostgreSQL"; return 0; }
  [ "$(id -u)" = 0 ] || { echo "setup_system: not root, PostgreSQL left alone"; return 0; }
  local version cluster status
  # The first cluster listed (Debian's package creates "main" on install).
  read -r version cluster _ status _ < <(pg_lsclusters -h | head -n 1) || true
  if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    cluster=main
    echo "setup_system: creating PostgreSQL ${version} cluster ${cluster}"
    pg_createcluster --port "${PG_PORT}" "${version}" "${cluster}" >/dev/null
    status=down
  fi
  if [ "${status}" != "online" ]; then
    echo "setup_system: starting PostgreSQL ${version}/${cluster}"
    pg_ctlcluster "${version}" "${cluster}" start || return 1
  fi
  local port
  port=$(pg_lsclusters -h | awk -v v="${version}" -v c="${cluster}" '$1==v && $2==c {print $3}')
  local psql=(runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "${port}" -d postgres)
  for _ in $(seq 1 20); do
    "${psql[@]}" -c 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname='${PG_ROLE}'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${PG_PASSWORD}'" || return 1
  fi
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname='${PG_DB}'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE ${PG_DB} OWNER ${PG_ROLE}" || return 1
  fi
  echo "setup_system: PostgreSQL ready at" \
    "postgresql+psycopg://${PG_ROLE}:***@127.0.0.1:${port}/${PG_DB}"
}

if [ -n "${CI:-}" ] || [ "${TWITCHSCOPE_SETUP_SYSTEM:-}" = "1" ]; then
  setup_postgres || echo "setup_system: PostgreSQL set-up failed; its tests will be skipped"
fi
