#!/usr/bin/env bash
# A real full disk under a real server (scripts/resilience/disk_full.py): a small tmpfs holds
# the database — the SQLite file, then (when a PostgreSQL server answers on 127.0.0.1) a
# PostgreSQL tablespace — gunicorn serves it on 127.0.0.1, and the drill checks that writes
# get 503 + Retry-After, that nothing is half-written, and that service resumes once space is
# freed. Needs root for `mount -t tmpfs`; skips politely otherwise, or when mounting is not
# permitted (tests/core/test_diskfull.py still proves the behaviour with PRAGMA max_page_count).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(id -u)" -ne 0 ]; then
    echo "disk_full.sh: skipped (needs root to mount a tmpfs; run it as root to fill a real disk)"
    exit 0
fi

MOUNTS=()
cleanup() {
    for mount in "${MOUNTS[@]}"; do
        umount "$mount" 2>/dev/null || umount -l "$mount"
        rmdir "$mount"
    done
}
trap cleanup EXIT

# mount_small SIZE: print the path of a fresh tmpfs of SIZE, or nothing if mounting is refused.
mount_small() {
    local dir
    dir="$(mktemp -d /tmp/sv-diskfull.XXXXXX)"
    # 0711: the PostgreSQL server (user postgres) must reach the tablespace directory inside.
    if mount -t tmpfs -o "size=$1,mode=0711" tmpfs "$dir" 2>/dev/null; then
        echo "$dir"
    else
        rmdir "$dir"
    fi
}

SQLITE_MOUNT="$(mount_small "${DISK_FULL_SQLITE_SIZE:-16m}")"
if [ -z "$SQLITE_MOUNT" ]; then
    echo "disk_full.sh: skipped (mount -t tmpfs is not permitted here)"
    exit 0
fi
MOUNTS+=("$SQLITE_MOUNT")
echo "=== disk full: SQLite on a ${DISK_FULL_SQLITE_SIZE:-16m} tmpfs, served by gunicorn; no other connection open"
.venv/bin/python scripts/resilience/disk_full.py "$SQLITE_MOUNT"
rm -rf "${SQLITE_MOUNT:?}"/*
echo "=== disk full: SQLite again, with a connection held open (the write itself fails: SQLITE_FULL)"
.venv/bin/python scripts/resilience/disk_full.py --hold-open "$SQLITE_MOUNT"

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "=== disk full: PostgreSQL skipped (no server on 127.0.0.1:5432)"
    exit 0
fi
PG_MOUNT="$(mount_small "${DISK_FULL_PG_SIZE:-48m}")"
MOUNTS+=("$PG_MOUNT")
mkdir "$PG_MOUNT/pg"
chown postgres:postgres "$PG_MOUNT/pg"
echo "=== disk full: PostgreSQL database in a tablespace on a ${DISK_FULL_PG_SIZE:-48m} tmpfs, served by gunicorn"
.venv/bin/python scripts/resilience/disk_full.py --engine postgresql "$PG_MOUNT"
