import sys, re
# script.py SQLFILE B: the pgbench script for the batched statement (see setup.sh); client c checks members c*B+1..c*B+B.
# pgbench script: one read-only select builds the batch's 15 arrays into variables (\gset), then the
# statement runs with them as real array parameters of a prepared statement (-M prepared), as the gateway sends them.
sql, B = open(sys.argv[1]).read(), int(sys.argv[2])
G = "generate_series(:base::bigint, :base::bigint + %d) g" % (B - 1)
def arr(e, t): return "array_agg((%s)::%s order by g)" % (e, t)
v = {1: arr("g", "bigint"), 2: arr("'id-cs-' || g", "text"), 3: arr("'ip-127.0.0.1'", "text"), 4: arr("g", "bigint"),
     5: arr("(extract(epoch from clock_timestamp()) * 1000000)::bigint", "bigint"),
     6: arr("sha256(('cs-' || g || '-' || :prev)::bytea)", "bytea"), 7: arr("'\\x00'::bytea", "bytea"),
     8: arr("sha256(('cs-' || g || '-' || :n)::bytea)", "bytea"), 9: arr("'\\x00'::bytea", "bytea"),
     10: arr("1800", "float8"), 11: arr("'bench'", "text"), 12: arr("'otp.api.verify.totp'", "text"),
     13: arr("'ok'", "text"), 14: arr("'127.0.0.1'", "text"), 15: arr("'pgbench'", "text")}
pre = "select " + ", ".join("%s as p%d" % (v[k], k) for k in range(1, 16)) + " from " + G + " \\gset"
for i in range(16, 0, -1): sql = sql.replace("$%d" % i, ":p%d" % i if i < 16 else "43200")
print("\\set prev :n\n\\set n :n + 1\n\\set base 1 + :client_id * %d\n" % B + pre + "\n" + re.sub(r"\s*\n\s*", " ", sql.strip()) + ";")
