#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at the test URL; on a machine without one,
# install Debian's postgresql and start it with trust auth on 127.0.0.1 (tests never skip it).
set -euo pipefail
url=${1:-postgresql://postgres@127.0.0.1/test}
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  psql "${url%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 \
    || psql "${url%/*}/postgres" -qc "CREATE DATABASE test" 2>/dev/null || true
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi
ver=$(ls /etc/postgresql | sort -n | tail -1)
conf=/etc/postgresql/$ver/main
sed -i 's/^\(host\|local\).*/#&/' "$conf/pg_hba.conf"
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >> "$conf/pg_hba.conf"
pg_ctlcluster --skip-systemctl-redirect "$ver" main start || pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE test" 2>/dev/null || true
