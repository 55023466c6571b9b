#!/bin/sh
# Restore a backup made by deploy/backup.sh into a NEW, empty database (never over the live
# one): create it first (createdb -T template0 NAME), restore, check it, then point
# DATABASE_URL at it. Usage: deploy/restore.sh DATABASE_URL FILE
# All or nothing: one transaction, stopping at the first error.
set -eu
url="${1:?usage: restore.sh DATABASE_URL FILE}"
file="${2:?usage: restore.sh DATABASE_URL FILE}"
url="$(printf '%s' "$url" | sed 's|^postgresql+psycopg://|postgresql://|')"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$url" "$file"
echo "restore.sh: restored $file"
