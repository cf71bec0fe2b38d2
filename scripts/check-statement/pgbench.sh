#!/bin/bash
set -u; HERE=$(cd "$(dirname "$0")" && pwd); WORK=${WORK:-$(mktemp -d)}
# run.sh SQLFILE B CLIENTS SECONDS -> checks/s, WAL bytes and records per check
SQL=$1; B=$2; C=$3; T=$4
P="psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qtA postgres"
N=$((B*C))
python3 "$HERE/script.py" $SQL $B > $WORK/script.sql
$P -c "delete from http_session where member_id <= $N" -c "insert into http_session (id_hash, member_id, data, expires_at, created_at) select sha256(('cs-' || g || '-0')::bytea), g, '\x00'::bytea, now() + interval '1 hour', now() from generate_series(1, $N) g" -c checkpoint
read L0 R0 A0 <<< $($P -F' ' -c "select pg_current_wal_lsn() - '0/0', (select wal_records from pg_stat_wal), (select count(*) from audit_event where login_id='bench')")
C0=$("$HERE/pgcpu.sh")
OUT=$(pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -M prepared -c $C -j 2 -T $T -D n=0 -f $WORK/script.sql postgres 2>&1)
sleep 1; C1=$("$HERE/pgcpu.sh")
read L1 R1 A1 <<< $($P -F' ' -c "select pg_current_wal_lsn() - '0/0', (select wal_records from pg_stat_wal), (select count(*) from audit_event where login_id='bench')")
TX=$(echo "$OUT" | sed -n 's/.*actually processed: \([0-9]*\).*/\1/p'); TPS=$(echo "$OUT" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
PASS=$((A1-A0))
echo "$(basename $SQL) B=$B c=$C: tps=$TPS checks/s=$(echo "$TPS*$B" | bc) passed=$PASS/$((TX*B)) WALbytes/check=$(( (L1-L0)/(PASS>0?PASS:1) )) records/check=$(echo "scale=1; ($R1-$R0)/$PASS" | bc) pgCPUus/check=$(( (C1-C0)*10000/(PASS>0?PASS:1) ))"
echo "$OUT" | grep -i error | head -3
