#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the postgres tests of generated projects.
#
# Usage (stdout carries only the export line, progress goes to stderr):
#   eval "$(bash .ci/start-postgres.sh)"     # exports TEST_DATABASE_URL
#   source .ci/start-postgres.sh             # same, in the current shell
#
# Installs PostgreSQL from the distribution (apt-get) when initdb/pg_ctl are missing, creates a cluster
# in a temp dir owned by the `postgres` OS user (initdb refuses to run as root), allows trust auth on
# 127.0.0.1 only (no Unix socket), starts it on PG_TEST_PORT and creates PG_TEST_DB. Re-running stops
# and replaces the cluster a previous run left on the same port. When GITHUB_ENV is set, the variable
# is also appended there for later workflow steps.
#
# Settings (environment): PG_TEST_PORT (55432), PG_TEST_DB (mcp_test), PG_TEST_DIR (/tmp/mcp-pg-<port>).

start_postgres() (
    set -euo pipefail

    local port="${PG_TEST_PORT:-55432}"
    local db="${PG_TEST_DB:-mcp_test}"
    local dir="${PG_TEST_DIR:-/tmp/mcp-pg-$port}"
    local data="$dir/data"

    log() { printf '[start-postgres] %s\n' "$*" >&2; }

    # Directory holding initdb and pg_ctl: PATH first, then the newest Debian/Ubuntu versioned install.
    find_bindir() {
        if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
            dirname "$(readlink -f "$(command -v pg_ctl)")"
            return
        fi
        local candidate
        candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
        if [[ -n "$candidate" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
            echo "$candidate"
        fi
    }

    # Root runs the server binaries as the postgres OS user; anyone else runs them as themselves.
    as_pg() {
        if [[ "$(id -u)" -ne 0 ]]; then
            "$@"
        elif command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
        fi
    }

    local bindir
    bindir="$(find_bindir)"
    if [[ -z "$bindir" ]]; then
        log "initdb/pg_ctl not found; installing PostgreSQL with apt-get"
        local sudo=()
        [[ "$(id -u)" -ne 0 ]] && sudo=(sudo)
        "${sudo[@]}" apt-get update >&2
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends postgresql >&2
        bindir="$(find_bindir)"
        [[ -n "$bindir" ]] || { log "PostgreSQL binaries still not found after apt-get install"; exit 1; }
    fi
    log "using PostgreSQL binaries in $bindir ($("$bindir/pg_ctl" --version))"

    if [[ "$(id -u)" -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
        log "creating the postgres OS user"
        useradd --system --no-create-home --shell /bin/bash postgres
    fi

    # Replace whatever a previous run left behind.
    if [[ -f "$data/postmaster.pid" ]]; then
        log "stopping the previous cluster in $data"
        as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        log "port $port is already in use by another server; set PG_TEST_PORT to a free port"
        exit 1
    fi

    mkdir -p "$dir"
    [[ "$(id -u)" -eq 0 ]] && chown postgres: "$dir"

    log "initdb in $data"
    as_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # Only TCP connections from 127.0.0.1, trusted: this cluster holds nothing but test fixtures.
    as_pg bash -c "printf 'host all all 127.0.0.1/32 trust\n' > '$data/pg_hba.conf'"

    log "starting on 127.0.0.1:$port"
    as_pg "$bindir/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >&2 \
        || { cat "$dir/postgres.log" >&2; exit 1; }

    local attempt
    for attempt in $(seq 1 30); do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
        [[ "$attempt" -eq 30 ]] && { log "server did not become ready"; cat "$dir/postgres.log" >&2; exit 1; }
        sleep 1
    done

    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
    log "ready; to stop it, run as the postgres user: $bindir/pg_ctl -D $data stop"

    local url="postgres://postgres@127.0.0.1:$port/$db"
    if [[ -n "${GITHUB_ENV:-}" ]]; then
        echo "TEST_DATABASE_URL=$url" >>"$GITHUB_ENV"
    fi
    echo "export TEST_DATABASE_URL=$url"
)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    start_postgres
else
    eval "$(start_postgres)"
fi
