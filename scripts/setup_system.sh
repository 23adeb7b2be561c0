#!/usr/bin/env bash
# System packages the test-suite uses, installed from Debian's packages.
# Idempotent; safe to run on a developer machine. In CI (CI=true) it also starts the services.
set -euo pipefail
need=()
if [ -n "${CI:-}" ] || [ "${TWITCHSCOPE_SETUP_SYSTEM:-}" = "1" ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup_system: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
