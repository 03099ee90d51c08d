#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, sourced by .ci/run (or by hand: `source .ci/postgres.sh; start_test_postgres`).
# It lives in a fresh temp folder, listens on 127.0.0.1 only, on a free port, with its socket in that folder, and is
# stopped and removed by stop_test_postgres (which start_test_postgres traps on EXIT). It exports
# INCIDENTBOT_TEST_POSTGRES, the connection string of a role that may create databases (each test makes its own).
# PostgreSQL refuses to run as root, so as root the server runs as the postgres user (runuser).

test_postgres_dir=""
test_postgres_bin=""

# Runs a PostgreSQL program as the user that owns the server.
as_postgres_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A TCP port nobody listens on: random in 20000-59999, checked against the listening sockets in /proc/net/tcp{,6}.
free_loopback_port() {
  local port hex
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    hex=$(printf '%04X' "$port")
    if ! awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}

start_test_postgres() {
  local initdb
  initdb=$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1 || true)
  if [ -z "$initdb" ]; then
    echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2
    return 1
  fi
  test_postgres_bin=$(dirname "$initdb")
  test_postgres_dir=$(mktemp -d /tmp/incidentbot-postgres.XXXXXX)
  trap stop_test_postgres EXIT
  if [ -n "${TEST_POSTGRES_DATA_TMPFS_MB:-}" ]; then
    # The data folder on a small tmpfs of its own, so a test can fill the file system under PostgreSQL (needs root).
    mkdir "$test_postgres_dir/data"
    mount -t tmpfs -o "size=${TEST_POSTGRES_DATA_TMPFS_MB}m,mode=0700" tmpfs "$test_postgres_dir/data" || return 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$test_postgres_dir"
    [ ! -d "$test_postgres_dir/data" ] || chown postgres:postgres "$test_postgres_dir/data"
  fi

  local password
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" > "$test_postgres_dir/superuser-password"
  chmod 600 "$test_postgres_dir/superuser-password"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$test_postgres_dir/superuser-password"
  # Over TCP every role needs its password (so a wrong one is really refused); the socket in the folder trusts its owner.
  as_postgres_owner "$test_postgres_bin/initdb" --pgdata="$test_postgres_dir/data" --username=postgres \
    --pwfile="$test_postgres_dir/superuser-password" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$test_postgres_dir/initdb.log" 2>&1 \
    || { cat "$test_postgres_dir/initdb.log" >&2; return 1; }

  local port started=""
  for _ in 1 2 3 4 5; do
    port=$(free_loopback_port)
    if start_test_postgres_server "$port"; then
      started=yes
      break
    fi
    # Another process took the port between the check and the start: try another one.
    tail -n 5 "$test_postgres_dir/server.log" >&2 || true
  done
  if [ -z "$started" ]; then
    echo "the test PostgreSQL server did not start" >&2
    return 1
  fi

  local app_password
  app_password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  as_postgres_owner "$test_postgres_bin/psql" --quiet --no-psqlrc --host="$test_postgres_dir" --port="$port" \
    --username=postgres --dbname=postgres --set=ON_ERROR_STOP=1 <<SQL
CREATE ROLE incidentbot LOGIN CREATEDB PASSWORD '$app_password';
CREATE DATABASE incidentbot OWNER incidentbot;
SQL
  export INCIDENTBOT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=incidentbot;Password=$app_password;Database=incidentbot"
  echo "Test PostgreSQL $("$test_postgres_bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$port (data in $test_postgres_dir)"
}

# Starts (again) the server start_test_postgres made, on the given port, and waits until it takes connections.
# fsync is off unless TEST_POSTGRES_FSYNC=on: a test server's data may be lost in a crash, and the tests run much
# faster without it (the benchmark turns it on, so a commit costs what it costs in production).
start_test_postgres_server() {
  local port=$1
  printf '%s\n' "$port" > "$test_postgres_dir/port"
  as_postgres_owner "$test_postgres_bin/pg_ctl" --pgdata="$test_postgres_dir/data" --log="$test_postgres_dir/server.log" \
    --wait --timeout=60 \
    --options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$test_postgres_dir -c fsync=${TEST_POSTGRES_FSYNC:-off} -c max_connections=500" \
    start >/dev/null
}

# Stops the server (fast: open sessions are ended) and keeps its data, for tests of an outage; start_test_postgres_server
# with the port in "$test_postgres_dir/port" brings it back.
stop_test_postgres_server() {
  as_postgres_owner "$test_postgres_bin/pg_ctl" --pgdata="$test_postgres_dir/data" --mode=fast --wait --timeout=60 stop >/dev/null
}

# Runs SQL from standard input as the superuser, over the socket in the server's folder.
test_postgres_superuser_sql() {
  as_postgres_owner "$test_postgres_bin/psql" --quiet --no-psqlrc --host="$test_postgres_dir" --port="$(cat "$test_postgres_dir/port")" \
    --username=postgres --dbname=postgres --set=ON_ERROR_STOP=1 --tuples-only --no-align
}

stop_test_postgres() {
  if [ -n "$test_postgres_dir" ] && [ -d "$test_postgres_dir" ]; then
    if [ -f "$test_postgres_dir/data/postmaster.pid" ]; then
      as_postgres_owner "$test_postgres_bin/pg_ctl" --pgdata="$test_postgres_dir/data" --mode=fast --wait stop >/dev/null 2>&1 || true
    fi
    if mountpoint -q "$test_postgres_dir/data"; then
      umount -l "$test_postgres_dir/data" || true
    fi
    rm -rf "$test_postgres_dir"
  fi
  test_postgres_dir=""
}
