# shellcheck shell=bash
# Sourced by .ci/run: starts a throwaway PostgreSQL on 127.0.0.1 (a fresh data directory under /tmp, a free
# port, a random password) and exports INTERVIEW_TEST_PG_URL for the `postgres` tests.
# Safe under `set -euo pipefail`, safe to source twice (the running server is reused), and the server is
# stopped and its files removed when the sourcing shell exits, without changing that shell's exit status.
# Locally: `source .ci/postgres.sh && python -m pytest -m postgres`.

_interview_pg_bindir() {
  local dir
  dir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] && command -v pg_ctl >/dev/null 2>&1; then
    dir=$(dirname "$(command -v pg_ctl)")
  fi
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || return 1
  echo "$dir"
}

# PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user.
_interview_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

_interview_pg_free_port() {
  local python
  python=$(command -v python || command -v python3)
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The command of the current EXIT trap, unquoted, so ours can run before it.
_interview_pg_exit_trap() {
  local spec
  spec=$(trap -p EXIT)
  [ -n "$spec" ] || return 0
  eval "set -- $spec"
  printf '%s' "$3"
}

# Called from the EXIT trap with the exit status it found, which it returns for any earlier trap.
_interview_pg_stop() {
  local status=${1:-$?}
  if [ -n "${_INTERVIEW_PG_BASE:-}" ] && [ -d "$_INTERVIEW_PG_BASE" ]; then
    _interview_pg_as_owner "$_INTERVIEW_PG_BIN/pg_ctl" -D "$_INTERVIEW_PG_BASE/data" -m fast -w -t 30 stop \
      >/dev/null 2>&1 || true
    rm -rf "$_INTERVIEW_PG_BASE"
  fi
  _INTERVIEW_PG_BASE=""
  return "$status"
}

_interview_pg_start() {
  local base port password attempt started=""
  if [ -n "${_INTERVIEW_PG_BASE:-}" ] && [ -n "${INTERVIEW_TEST_PG_URL:-}" ] &&
    _interview_pg_as_owner "$_INTERVIEW_PG_BIN/pg_ctl" -D "$_INTERVIEW_PG_BASE/data" status >/dev/null 2>&1; then
    echo "== postgres already running for this shell"
    return 0
  fi
  if ! _INTERVIEW_PG_BIN=$(_interview_pg_bindir); then
    echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)." >&2
    return 1
  fi
  base=$(mktemp -d /tmp/interview-pg.XXXXXX)
  _INTERVIEW_PG_BASE=$base
  # An earlier EXIT trap still runs after ours and sees the same exit status; errexit is lifted first so
  # that status (a failed test run) does not cut the clean-up short.
  local previous
  previous=$(_interview_pg_exit_trap)
  # shellcheck disable=SC2064
  trap "_interview_pg_rc=\$?; set +e; _interview_pg_stop \"\$_interview_pg_rc\"; ${previous}" EXIT

  password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$base/pwfile"
  mkdir "$base/data"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$base"
  fi
  chmod 700 "$base"
  if ! _interview_pg_as_owner "$_INTERVIEW_PG_BIN/initdb" -D "$base/data" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$base/pwfile" --no-sync >"$base/initdb.log" 2>&1; then
    cat "$base/initdb.log" >&2
    return 1
  fi
  rm -f "$base/pwfile"

  # Only 127.0.0.1 and a socket inside the throwaway directory; durability is not needed for tests.
  for attempt in 1 2 3; do
    port=$(_interview_pg_free_port)
    if _interview_pg_as_owner "$_INTERVIEW_PG_BIN/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null 2>&1; then
      started=yes
      break
    fi
    echo "postgres.sh: start attempt $attempt on port $port failed" >&2
  done
  if [ -z "$started" ]; then
    cat "$base/server.log" >&2 || true
    return 1
  fi
  if ! _interview_pg_as_owner "$_INTERVIEW_PG_BIN/createdb" -h "$base" -p "$port" -U postgres interview_test; then
    return 1
  fi
  export INTERVIEW_TEST_PG_URL="postgresql+psycopg://postgres:${password}@127.0.0.1:${port}/interview_test"
  echo "== postgres running on 127.0.0.1:${port} (data in ${base})"
}

_interview_pg_start
