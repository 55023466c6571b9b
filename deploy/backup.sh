#!/bin/sh
# Back up Lifeline's PostgreSQL database to one file (pg_dump's custom format: compressed,
# restorable table by table). Usage: deploy/backup.sh DATABASE_URL FILE
# Run it from a timer on a host that reaches the database; copy FILE off the host.
# tests/deploy/test_backup.py backs up with this script and restores with restore.sh.
set -eu
url="${1:?usage: backup.sh DATABASE_URL FILE}"
file="${2:?usage: backup.sh DATABASE_URL FILE}"
# pg_dump speaks libpq URLs: postgresql://…, not SQLAlchemy's postgresql+psycopg://….
url="$(printf '%s' "$url" | sed 's|^postgresql+psycopg://|postgresql://|')"
pg_dump --format=custom --no-owner --no-privileges --file "$file" "$url"
echo "backup.sh: wrote $file ($(wc -c < "$file") bytes)"
