#!/usr/bin/env bash
# Start a throw-away MariaDB server for the MySQL/MariaDB tests of generated projects.
#
# Usage (stdout carries only the export line, progress goes to stderr):
#   eval "$(bash .ci/start-mariadb.sh)"      # exports TEST_MYSQL_URL
#   source .ci/start-mariadb.sh              # same, in the current shell
#
# Installs the server from the distribution (apt-get) when mariadbd is missing, creates a data directory
# in a temp dir with mariadb-install-db, and starts mariadbd on 127.0.0.1 only (no name resolution, so
# grants for '127.0.0.1' apply; no Unix socket outside the temp dir). root connects without a password
# from 127.0.0.1: the server holds nothing but test fixtures. Re-running stops and replaces the server a
# previous run left on the same port. When GITHUB_ENV is set, the variable is also appended there.
#
# Settings (environment): MYSQL_TEST_PORT (33306), MYSQL_TEST_DIR (/tmp/mcp-mariadb-<port>), and
# MYSQL_TEST_RESTART=1 to start the server again on the data a previous run left (after it was stopped).

start_mariadb() (
    set -euo pipefail

    local port="${MYSQL_TEST_PORT:-33306}"
    local dir="${MYSQL_TEST_DIR:-/tmp/mcp-mariadb-$port}"
    local data="$dir/data"

    log() { printf '[start-mariadb] %s\n' "$*" >&2; }

    if ! command -v mariadbd >/dev/null 2>&1 && [[ ! -x /usr/sbin/mariadbd ]]; then
        log "mariadbd not found; installing MariaDB with apt-get"
        local sudo=()
        [[ "$(id -u)" -ne 0 ]] && sudo=(sudo)
        "${sudo[@]}" apt-get update >&2
        # The server package would start a system-wide service; policy-rc.d keeps it from starting.
        if [[ "$(id -u)" -eq 0 && ! -e /usr/sbin/policy-rc.d ]]; then
            printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
            trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        fi
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends mariadb-server mariadb-client >&2
    fi
    local mariadbd
    mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
    log "using $("$mariadbd" --version)"

    local restart="${MYSQL_TEST_RESTART:-}"
    # Replace whatever a previous run left behind.
    if [[ -z "$restart" && -f "$dir/mariadbd.pid" ]]; then
        log "stopping the previous server in $dir"
        kill "$(cat "$dir/mariadbd.pid")" 2>/dev/null || true
        for _ in $(seq 1 50); do [[ -f "$dir/mariadbd.pid" ]] || break; sleep 0.1; done
    fi
    [[ -n "$restart" ]] || rm -rf "$dir"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        log "port $port is already in use by another server; set MYSQL_TEST_PORT to a free port"
        exit 1
    fi
    # Its own temporary folder: the server's user may not write to the caller's $TMPDIR.
    mkdir -p "$data" "$dir/tmp"
    local user=()
    if [[ "$(id -u)" -eq 0 ]]; then
        id mysql >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin mysql
        chown -R mysql: "$dir"
        user=(--user=mysql)
    fi

    if [[ -z "$restart" ]]; then
        log "mariadb-install-db in $data"
        TMPDIR="$dir/tmp" mariadb-install-db "${user[@]}" --datadir="$data" --auth-root-authentication-method=normal \
            --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    fi

    log "starting on 127.0.0.1:$port"
    "$mariadbd" --no-defaults "${user[@]}" --datadir="$data" --tmpdir="$dir/tmp" --port="$port" --bind-address=127.0.0.1 \
        --skip-name-resolve --socket="$dir/mariadbd.sock" --pid-file="$dir/mariadbd.pid" \
        --log-error="$dir/mariadbd.log" --innodb-buffer-pool-size=32M --skip-log-bin >/dev/null 2>&1 &

    local attempt
    for attempt in $(seq 1 100); do
        mariadb --socket="$dir/mariadbd.sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
        [[ "$attempt" -eq 100 ]] && { log "server did not become ready"; cat "$dir/mariadbd.log" >&2; exit 1; }
        sleep 0.2
    done
    # root may connect over TCP from 127.0.0.1 without a password (install-db made only root@localhost).
    mariadb --socket="$dir/mariadbd.sock" -u root -e \
        "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" >&2
    log "ready; to stop it: kill \$(cat $dir/mariadbd.pid)"

    local url="mysql://root@127.0.0.1:$port/mysql"
    if [[ -n "${GITHUB_ENV:-}" ]]; then
        echo "TEST_MYSQL_URL=$url" >>"$GITHUB_ENV"
    fi
    echo "export TEST_MYSQL_URL=$url"
)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    start_mariadb
else
    eval "$(start_mariadb)"
fi
