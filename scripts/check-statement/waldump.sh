#!/bin/bash
set -u; HERE=$(cd "$(dirname "$0")" && pwd); WORK=${WORK:-$(mktemp -d)}
# waldump.sh SQLFILE B N: WAL of N committed batches of B (after 5 warm-up), by resource manager / record type
SQL=$1; B=$2; N=$3
python3 "$HERE/script.py" $SQL $B > $WORK/p.sql
PRE=$(sed -n 4p $WORK/p.sql); ST=$(sed -n 5p $WORK/p.sql)
ST=$(echo "$ST" | sed -E 's/:p([0-9]+)/$\1/g; s/43200/$16/g; s/;$//')
P="psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qtA postgres"
$P -c "vacuum http_session, otp_totp, member_method, member" -c "delete from http_session where member_id between 40001 and 49999" -c "insert into http_session (id_hash, member_id, data, expires_at, created_at) select sha256(('cs-' || g || '-0')::bytea), g, '\x00'::bytea, now() + interval '1 hour', now() from generate_series(40001, 40000 + $B) g"
{
 echo "set plan_cache_mode = force_generic_plan;"; echo "prepare q as $ST;"; echo "\\set base 40001"; echo "\\o /dev/null"
 for ((k=1; k<=N+5; k++)); do
  [ $k = 6 ] && { echo "\\o"; echo "checkpoint; select 'L', pg_current_wal_lsn();"; echo "\\o /dev/null"; }
  echo "\\set prev $((k-1))"; echo "\\set n $k"; echo "$PRE"
  echo "execute q(:'p1',:'p2',:'p3',:'p4',:'p5',:'p6',:'p7',:'p8',:'p9',:'p10',:'p11',:'p12',:'p13',:'p14',:'p15',43200);"
 done
 echo "\\o"; echo "select 'L', pg_current_wal_lsn();"
} | psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qtA postgres > $WORK/wal.out
S=$(grep "^L" $WORK/wal.out | head -1 | cut -d'|' -f2); E=$(grep "^L" $WORK/wal.out | tail -1 | cut -d'|' -f2)
/usr/lib/postgresql/15/bin/pg_waldump -p "$PGDATA"/pg_wal -s $S -e $E --stats=record 2>&1
