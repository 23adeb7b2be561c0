#!/usr/bin/env bash
# The system pieces the test-suite uses, from Debian's packages; `make test` and `.ci/run` run
# this first. Idempotent, and quick when everything is in place.
#
#   chromium (/usr/bin/chromium)    the browser tests of the web app and the reports (Playwright's
#                                   Python package drives it; no browser is downloaded)
#   Pango, HarfBuzz subsetting,     PDF reports (WeasyPrint, the `pdf` extra)
#   fontconfig, DejaVu fonts
#   postgresql                      the diary tests against a real server: a cluster is started
#                                   and the role and database of the fixed test URL are created:
#                                   postgresql+psycopg://twitchscope:twitchscope@127.0.0.1:5432/twitchscope_test
#   make                            `.ci/run` runs `make test`
#
# As root with apt-get, it installs what is missing and starts PostgreSQL. Otherwise it says what
# is missing and the command that installs it; the tests that need it then skip with the reason.
# In CI (CI=true) every piece must be there: anything missing or failing stops the run here, with
# the reason (a skipped test also fails in CI, see tests/conftest.py).
#
# TWITCHSCOPE_SETUP_SYSTEM=0 leaves the system alone (you manage these yourself);
# TWITCHSCOPE_TEST_POSTGRES_URL (a server of your own for the tests) leaves PostgreSQL alone.
set -euo pipefail

if [ "${TWITCHSCOPE_SETUP_SYSTEM:-}" = "0" ]; then
  echo "setup_system: TWITCHSCOPE_SETUP_SYSTEM=0, system left alone"
  exit 0
fi

t0=${SECONDS}
strict=""
[ -n "${CI:-}" ] && strict=1
is_root=""
[ "$(id -u)" = 0 ] && is_root=1
problems=()

say() { echo "setup_system: $*"; }
problem() { say "$*"; problems+=("$*"); }

PG_ROLE=twitchscope
PG_PASSWORD=twitchscope
PG_DB=twitchscope_test
PG_PORT=5432

# --- Debian packages -------------------------------------------------------------------------
PDF_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_postgres() {
  command -v pg_lsclusters >/dev/null 2>&1 && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null
}

need=()
command -v make >/dev/null 2>&1 || need+=(make)
[ -x /usr/bin/chromium ] || need+=(chromium)
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${PDF_PACKAGES[@]}"; do installed "${pkg}" || need+=("${pkg}"); done
fi
want_postgres=1
[ -n "${TWITCHSCOPE_TEST_POSTGRES_URL:-}" ] && want_postgres=""
if [ -n "${want_postgres}" ] && ! have_postgres; then need+=(postgresql); fi

if [ ${#need[@]} -gt 0 ]; then
  if [ -n "${is_root}" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need[*]} (Debian packages)"
    log=$(mktemp)
    if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq -o Dpkg::Use-Pty=0 "${need[@]}"; } >"${log}" 2>&1; then
      say "installed in $((SECONDS - t0)) s"
    else
      tail -n 20 "${log}" >&2
      problem "apt-get could not install ${need[*]} (its last lines are above)"
    fi
    rm -f "${log}"
  else
    problem "missing: ${need[*]}; install with: sudo apt-get install ${need[*]}" \
      "(or run sudo bash scripts/setup_system.sh)"
  fi
fi

# --- PostgreSQL ------------------------------------------------------------------------------
test_login() {
  # The tests' own way in: TCP to 127.0.0.1 with the password.
  PGPASSWORD="${PG_PASSWORD}" PGCONNECT_TIMEOUT=3 psql -X -q -w -h 127.0.0.1 -p "${PG_PORT}" \
    -U "${PG_ROLE}" -d "${PG_DB}" -tAc 'SELECT 1' 2>/dev/null | grep -q '^1$'
}

setup_postgres() {
  local version="" cluster="" port="" status="" line
  # The cluster on the tests' port, else the first one (Debian's package creates "main").
  while read -r line; do
    read -r v c p s _ <<<"${line}"
    if [ -z "${version}" ] || [ "${p}" = "${PG_PORT}" ]; then
      version=${v} cluster=${c} port=${p} status=${s}
    fi
  done < <(pg_lsclusters -h 2>/dev/null)
  if [ -z "${version}" ]; then
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
    cluster=main port=${PG_PORT} status=down
    say "creating PostgreSQL ${version} cluster ${cluster} on port ${port}"
    pg_createcluster --port "${port}" "${version}" "${cluster}" >/dev/null || return 1
  fi
  if [ "${port}" != "${PG_PORT}" ]; then
    say "PostgreSQL ${version}/${cluster} listens on port ${port}, the tests use ${PG_PORT}"
    return 1
  fi
  if [ "${status}" != "online" ]; then
    say "starting PostgreSQL ${version}/${cluster}"
    pg_ctlcluster "${version}" "${cluster}" start || return 1
  fi
  local psql=(runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "${port}" -d postgres)
  local ready=""
  for _ in $(seq 1 60); do
    if "${psql[@]}" -c 'SELECT 1' >/dev/null 2>&1; then ready=1; break; fi
    sleep 0.5
  done
  [ -n "${ready}" ] || { say "PostgreSQL did not accept connections within 30 s"; return 1; }
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname='${PG_ROLE}'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE ${PG_ROLE} LOGIN PASSWORD '${PG_PASSWORD}'" || return 1
  fi
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname='${PG_DB}'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE ${PG_DB} OWNER ${PG_ROLE}" || return 1
  fi
  test_login || { say "the role ${PG_ROLE} cannot log in over TCP (pg_hba.conf?)"; return 1; }
}

if [ -n "${want_postgres}" ]; then
  if command -v psql >/dev/null 2>&1 && test_login; then
    :  # already serving the tests (the usual case after the first run)
  elif [ -n "${is_root}" ] && have_postgres; then
    setup_postgres || problem "PostgreSQL set-up failed (see above)"
  elif have_postgres; then
    problem "PostgreSQL is installed but does not serve the test database; as root this" \
      "script starts it (or set TWITCHSCOPE_TEST_POSTGRES_URL to a server of yours)"
  fi
fi

# --- what the tests will find ----------------------------------------------------------------
if [ ${#problems[@]} -gt 0 ]; then
  if [ -n "${strict}" ]; then
    say "CI needs every piece above; stopping (after $((SECONDS - t0)) s)"
    exit 1
  fi
  say "the tests that need what is missing will be skipped, each with the reason"
else
  say "chromium, PDF libraries and fonts, PostgreSQL: ready ($((SECONDS - t0)) s)"
fi
