#!/bin/bash
# The batched OTP check's statement measured alone (issue 15; figures in BENCHMARKS.md). Starts a PostgreSQL 15
# cluster of its own (Debian's binaries, run as the postgres account; fsync on, as the embedded one), applies
# the migrations, seeds 50,000 members with a TOTP key and 200,000 audit events, and writes the statement
# as the compiled classes have it (needs `mvn -B -o -q compile`) to $WORK/batch.sql. Then, with the same
# PGPORT, PGDATA and WORK:
#   pgbench.sh $WORK/batch.sql 32 4 8   checks/s under pgbench (4 clients, 8 s), WAL bytes/records and PostgreSQL CPU per check
#   cpu.sh $WORK/batch.sql 32 200       one backend's CPU per check (generic plan, no fsync wait)
#   waldump.sh $WORK/batch.sql 32 20    pg_waldump --stats of 20 batches
# Usage: PGPORT=55491 PGDATA=/tmp/cs-pg/data WORK=/tmp/cs scripts/check-statement/setup.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd); BIN=/usr/lib/postgresql/15/bin
mkdir -p "$WORK" "$(dirname "$PGDATA")"; chown postgres "$(dirname "$PGDATA")"
runuser -u postgres -- $BIN/initdb -D "$PGDATA" -U postgres --auth=trust > /dev/null
runuser -u postgres -- $BIN/pg_ctl -D "$PGDATA" -l "$PGDATA.log" -w start -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT \
  -c unix_socket_directories='' -c max_connections=200 -c shared_buffers=128MB -c fsync=on"
P="psql -h 127.0.0.1 -p $PGPORT -U postgres -q -v ON_ERROR_STOP=1 postgres"
for f in $(ls "$REPO"/src/main/resources/db/migration/V*.sql | sort -V); do $P -f "$f" > /dev/null; done
$P <<'SQL'
insert into member (login_id, card_symbol, card_number, birthdate, name, email, password_hash)
  select 'm' || g, 's', 'n', '1980-01-01', 'x', 'e' || g || '@x', 'h' from generate_series(1, 50000) g;
insert into otp_totp (member_id, key_id, secret) select id, 'k', '\x00' from member;
insert into member_method (member_id, method) select id, 'totp' from member;
insert into audit_event (member_id, login_id, kind, outcome, ip, user_agent)
  select 1 + g % 50000, 'm' || (g % 50000), 'login', 'ok', '127.0.0.1', 'ua' from generate_series(1, 200000) g;
vacuum analyze;
SQL
CP="$REPO/target/classes:$(cd "$REPO" && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
cat > "$WORK/Render.java" <<'JAVA'
public class Render {
  public static void main(String[] a) throws Exception {
    var f = Class.forName(a[0]).getDeclaredField(a[1]);
    f.setAccessible(true);
    System.out.print(f.get(null));
  }
}
JAVA
java -cp "$CP" "$WORK/Render.java" dev.sekisho.factor.totp.TotpApiBatch CHECK > "$WORK/batch.sql"
echo "cluster on port $PGPORT, statement in $WORK/batch.sql"
