#!/usr/bin/env bash
# Starts and stops the two stores Graphledger needs: PostgreSQL and Neo4j.
#
# Where a Docker engine answers, compose.yaml runs the official images. Elsewhere both run natively
# from a git-ignored folder (.local/ by default), on loopback ports:
#   - PostgreSQL from Debian's packages (installed when initdb is missing), as an unprivileged user;
#   - Neo4j 5.26 community from Maven Central, run by tools/neo4j-launcher with Bolt enabled.
# Every step is idempotent: a second call reuses what the first one set up.
#
# usage: scripts/stores.sh up|down|status [pg|neo4j|neo4j-test|neo4j-bench|all]
# (neo4j-bench is the benchmark's own instance; `all` leaves it out of `up` but stops it on `down`)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${GL_STATE_DIR:-$ROOT/.local}
PG_PORT=${GL_PG_PORT:-55432}
NEO4J_PORT=${GL_NEO4J_PORT:-57687}
NEO4J_TEST_PORT=${GL_NEO4J_TEST_PORT:-57688}
NEO4J_BENCH_PORT=${GL_NEO4J_BENCH_PORT:-57689}
NEO4J_PASSWORD=${GL_NEO4J_PASSWORD:-graphledger-dev}
PG_PASSWORD=${GL_PG_PASSWORD:-graphledger}
NEO4J_HEAP=${GL_NEO4J_HEAP:-1g}

say() { printf '[stores] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

docker_works() {
  [ "${GL_NO_DOCKER:-}" = "1" ] && return 1
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

# --- PostgreSQL -------------------------------------------------------------------------------

pg_bin() {
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
    say "initdb not found: installing Debian's postgresql package"
    if [ "$(id -u)" -ne 0 ]; then die "initdb is missing and installing it needs root (apt-get install -y postgresql)"; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    found=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$found"
}

# PostgreSQL refuses to run as root; as root we run it as the unprivileged 'postgres' user
# (created by Debian's package) or, failing that, 'nobody'.
pg_user() {
  if [ "$(id -u)" -ne 0 ]; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

as_pg() {
  local user; user=$(pg_user)
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

pg_up() {
  local bin data run log
  bin=$(pg_bin); data=$STATE/pg/data; run=$STATE/pg/run; log=$STATE/pg/postgres.log
  mkdir -p "$STATE/pg" "$run"
  if [ "$(id -u)" -eq 0 ]; then chown -R "$(pg_user)" "$STATE/pg"; fi
  if [ ! -s "$data/PG_VERSION" ]; then
    say "initialising PostgreSQL in $data"
    local pwfile; pwfile=$STATE/pg/.pw
    printf '%s\n' "$PG_PASSWORD" > "$pwfile"
    if [ "$(id -u)" -eq 0 ]; then chown "$(pg_user)" "$pwfile"; fi
    as_pg "$bin/initdb" -D "$data" -U graphledger --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $run -c max_connections=200 -c fsync=${GL_PG_FSYNC:-on}" \
      start >/dev/null || { tail -n 20 "$log" >&2; die "PostgreSQL did not start"; }
  fi
  local db
  for db in graphledger graphledger_test graphledger_bench; do
    if ! as_pg "$bin/psql" -h "$run" -p "$PG_PORT" -U graphledger -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      as_pg "$bin/createdb" -h "$run" -p "$PG_PORT" -U graphledger "$db"
    fi
  done
}

pg_down() {
  local data=$STATE/pg/data bin
  [ -s "$data/PG_VERSION" ] || return 0
  bin=$(pg_bin)
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "stopping PostgreSQL"
    as_pg "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

pg_status() {
  local data=$STATE/pg/data
  if [ -s "$data/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "postgres: running on 127.0.0.1:$PG_PORT"
  else
    echo "postgres: stopped"
  fi
}

# --- Neo4j ------------------------------------------------------------------------------------

neo4j_fetch() {
  local lib=$STATE/neo4j-lib classes=$STATE/neo4j-launcher
  local src=$ROOT/tools/neo4j-launcher
  if [ ! -f "$lib/.complete" ] || [ "$src/pom.xml" -nt "$lib/.complete" ]; then
    say "fetching Neo4j community from Maven Central (first run only)"
    command -v mvn >/dev/null 2>&1 || die "mvn is needed to fetch Neo4j (apt-get install -y maven)"
    rm -rf "$lib"
    (cd "$src" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$lib" >&2) \
      || die "Maven could not fetch Neo4j"
    touch "$lib/.complete"
  fi
  if [ ! -f "$classes/Launcher.class" ] || [ "$src/Launcher.java" -nt "$classes/Launcher.class" ]; then
    mkdir -p "$classes"
    javac -d "$classes" -cp "$lib/*" "$src/Launcher.java" || die "could not compile the Neo4j launcher"
  fi
  # The product's own procedures (graphledger.region), loaded by Neo4j from the plugins folder.
  local procs=$ROOT/tools/neo4j-procedures plugins=$STATE/neo4j-plugins
  local jar=$plugins/graphledger-procedures.jar
  if [ ! -f "$jar" ] || [ -n "$(find "$procs" -name '*.java' -newer "$jar")" ]; then
    local build=$STATE/neo4j-procedures-classes
    rm -rf "$build" && mkdir -p "$build" "$plugins"
    javac -d "$build" -cp "$lib/*" "$procs"/*.java || die "could not compile the Neo4j procedures"
    jar cf "$jar.tmp" -C "$build" . && mv "$jar.tmp" "$jar" || die "could not package the Neo4j procedures"
  fi
}

neo4j_alive() {  # name port
  local pidfile=$STATE/$1/neo4j.pid
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

neo4j_up() {  # name port
  local name=$1 port=$2 dir=$STATE/$1
  mkdir -p "$dir"
  if neo4j_alive "$name"; then say "Neo4j ($name) already running on 127.0.0.1:$port"; return; fi
  neo4j_fetch
  say "starting Neo4j ($name) on bolt://127.0.0.1:$port"
  : > "$dir/neo4j.log"
  GL_NEO4J_DATA=$dir/data GL_NEO4J_BOLT_PORT=$port GL_NEO4J_PASSWORD=$NEO4J_PASSWORD \
    GL_NEO4J_PAGECACHE_MB=${GL_NEO4J_PAGECACHE_MB:-512} GL_NEO4J_PLUGINS=$STATE/neo4j-plugins \
    nohup setsid java -Xms256m -Xmx"$NEO4J_HEAP" -XX:+UseG1GC \
      -cp "$STATE/neo4j-launcher:$STATE/neo4j-lib/*" Launcher >>"$dir/neo4j.log" 2>&1 < /dev/null &
  echo $! > "$dir/neo4j.pid"
  local i
  for i in $(seq 1 180); do
    if grep -q 'graphledger-neo4j ready' "$dir/neo4j.log"; then say "Neo4j ($name) ready"; return; fi
    if ! neo4j_alive "$name"; then tail -n 30 "$dir/neo4j.log" >&2; die "Neo4j ($name) exited"; fi
    sleep 1
  done
  tail -n 30 "$dir/neo4j.log" >&2
  die "Neo4j ($name) not ready after 180 s"
}

neo4j_down() {  # name
  local dir=$STATE/$1 pid i
  neo4j_alive "$1" || { rm -f "$dir/neo4j.pid"; return 0; }
  pid=$(cat "$dir/neo4j.pid")
  say "stopping Neo4j ($1)"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/neo4j.pid"
}

neo4j_status() {  # name port
  if neo4j_alive "$1"; then echo "neo4j ($1): running on bolt://127.0.0.1:$2"; else echo "neo4j ($1): stopped"; fi
}

# --- entry point ------------------------------------------------------------------------------

action=${1:-status}; which=${2:-all}

if docker_works; then
  case $action in
    up) neo4j_fetch && docker compose -f "$ROOT/compose.yaml" up -d --wait ;;
    down) docker compose -f "$ROOT/compose.yaml" down ;;
    status) docker compose -f "$ROOT/compose.yaml" ps ;;
    *) die "unknown action $action" ;;
  esac
  exit 0
fi

case "$action:$which" in
  up:all) pg_up; neo4j_up neo4j "$NEO4J_PORT" ;;
  up:pg) pg_up ;;
  up:neo4j) neo4j_up neo4j "$NEO4J_PORT" ;;
  up:neo4j-test) neo4j_up neo4j-test "$NEO4J_TEST_PORT" ;;
  up:neo4j-bench) neo4j_up neo4j-bench "$NEO4J_BENCH_PORT" ;;
  down:all) neo4j_down neo4j; neo4j_down neo4j-test; neo4j_down neo4j-bench; pg_down ;;
  down:pg) pg_down ;;
  down:neo4j) neo4j_down neo4j ;;
  down:neo4j-test) neo4j_down neo4j-test ;;
  down:neo4j-bench) neo4j_down neo4j-bench ;;
  status:*) pg_status; neo4j_status neo4j "$NEO4J_PORT"; neo4j_status neo4j-test "$NEO4J_TEST_PORT"
    neo4j_status neo4j-bench "$NEO4J_BENCH_PORT" ;;
  *) die "usage: $0 up|down|status [pg|neo4j|neo4j-test|neo4j-bench|all]" ;;
esac
