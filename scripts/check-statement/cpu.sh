#!/bin/bash
set -u; HERE=$(cd "$(dirname "$0")" && pwd); WORK=${WORK:-$(mktemp -d)}
# cpu.sh SQLFILE B N [none]: one backend runs the prepared statement (generic plan, as the gateway's cached
# statement runs after its 5th execution) N times, committed (synchronous_commit off in this session only, so no
# fsync wait: the backend's CPU is the statement's), each time on a fresh chain step of the same B members.
# Prints the backend's CPU (utime+stime from /proc) per check. With "none": only the array-building select (the harness).
SQL=$1; B=$2; N=$3; MODE=${4:-}
python3 "$HERE/script.py" $SQL $B > $WORK/p.sql
PRE=$(sed -n 4p $WORK/p.sql); ST=$(sed -n 5p $WORK/p.sql)
ST=$(echo "$ST" | sed -E 's/:p([0-9]+)/$\1/g; s/43200/$16/g; s/;$//')
P="psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qtA postgres"
$P -c "vacuum http_session, otp_totp, member_method, member" -c "delete from http_session where member_id between 40001 and 49999" -c "insert into http_session (id_hash, member_id, data, expires_at, created_at) select sha256(('cs-' || g || '-0')::bytea), g, '\x00'::bytea, now() + interval '1 hour', now() from generate_series(40001, 40000 + $B) g"
CPU="select 'T', (select split_part(x, ' ', 14)::int + split_part(x, ' ', 15)::int from pg_read_file('/proc/' || pg_backend_pid() || '/stat') x), pg_current_wal_lsn() - '0/0', (select wal_records from pg_stat_wal);"
{
 echo "set plan_cache_mode = force_generic_plan; set synchronous_commit = off;"
 echo "prepare q as $ST;"
 echo "\\set base 40001"
 echo "\\o /dev/null"
 for ((k=1; k<=N+5; k++)); do
  [ $k = 6 ] && { echo "\\o"; echo "$CPU"; echo "\\o /dev/null"; }
  echo "\\set prev $((k-1))"; echo "\\set n $k"; echo "$PRE"
  [ "$MODE" = none ] || echo "execute q(:'p1',:'p2',:'p3',:'p4',:'p5',:'p6',:'p7',:'p8',:'p9',:'p10',:'p11',:'p12',:'p13',:'p14',:'p15',43200);"
 done
 echo "\\o"; echo "$CPU"
} | psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qtA postgres > $WORK/cpu.out
read _ T0 L0 R0 <<< $(grep "^T" $WORK/cpu.out | head -1 | tr '|' ' '); read _ T1 L1 R1 <<< $(grep "^T" $WORK/cpu.out | tail -1 | tr '|' ' ')
echo "$(basename $SQL) B=$B ${MODE}: backend CPU/check $(( (T1-T0)*10000/(N*B) )) us, WAL $(( (L1-L0)/(N*B) )) bytes and $(echo "scale=1; ($R1-$R0)/($N*$B)" | bc) records/check ($N batches)"
