#!/usr/bin/env bash
# Clone-alone check: does a fresh clone of this repository's HEAD pass CI on its own?
#
#   scripts/clone_ci.sh                      clone HEAD into a temp dir, run `CI=true bash .ci/run` there
#   ENVPLAN_CLONE_CI_DRY=1 scripts/clone_ci.sh   only clone, and check that neither tests nor src
#                                            refer to files outside the clone (../shared, /work/shared)
#
# The clone is `git clone --no-local`: committed files only, nothing from the working tree, no
# hard links into this repository's objects. PostgreSQL: ENVPLAN_TEST_POSTGRES_URL from the
# environment (default: the local server's `test` database, as scripts/check.py). The full run
# takes as long as CI (about 25 minutes on 2 cores). The temp dir is removed at the end unless
# ENVPLAN_CLONE_CI_KEEP=1.
set -euo pipefail

ROOT="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
export ENVPLAN_TEST_POSTGRES_URL="${ENVPLAN_TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/envplan-clone-ci.XXXXXX")"
cleanup() {
  if [ "${ENVPLAN_CLONE_CI_KEEP:-0}" = 1 ]; then
    echo "[clone-ci] clone kept at $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

head="$(git -C "$ROOT" rev-parse --short HEAD)"
echo "[clone-ci] cloning $ROOT at $head into $tmp"
git clone --quiet --no-local "$ROOT" "$tmp"
cd "$tmp"

# Tests must read only what the repository holds (tests/data, with provenance lines).
outside="$(grep -rn '\.\./shared\|/work/shared' tests src || true)"
if [ -n "$outside" ]; then
  echo "[clone-ci] FAILED: tests or src refer to files outside the repository:"
  echo "$outside"
  exit 1
fi
echo "[clone-ci] no reference to ../shared or /work/shared in tests/ or src/"

if [ "${ENVPLAN_CLONE_CI_DRY:-0}" = 1 ]; then
  echo "[clone-ci] dry run: $(git ls-files | wc -l) files cloned, CI not run"
  exit 0
fi

echo "[clone-ci] running CI=true bash .ci/run (PostgreSQL: $ENVPLAN_TEST_POSTGRES_URL)"
set +e
CI=true bash .ci/run
code=$?
set -e
if [ "$code" -eq 0 ]; then
  echo "[clone-ci] PASSED: a clone of $head passes CI on its own"
else
  echo "[clone-ci] FAILED: CI exited with $code in the clone of $head"
fi
exit "$code"
