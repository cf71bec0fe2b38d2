package dev.sekisho.factor.rotation;

import dev.sekisho.factor.hotp.HotpService;
import dev.sekisho.factor.totp.TotpService;
import dev.sekisho.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Re-encrypts every OTP secret sealed under an older key with the active key (secrets.activeKeyId),
 * in batches, each row updated only if its ciphertext did not change meanwhile. Once it reports 0
 * remaining, the old key may be removed from secrets.keys. Hashed codes (email, recovery) cannot be
 * re-hashed: email codes expire within minutes; recovery codes keep working while the old key stays
 * in the ring, and are re-issued by regeneration.
 */
public final class SecretRotation {
  private static final int BATCH = 500;
  private final Pool pool;
  private final SecretBox box;

  public SecretRotation(Pool pool, SecretBox box) {
    this.pool = pool;
    this.box = box;
  }

  /** @return the number of secrets re-encrypted */
  public Future<Integer> rotate() {
    return table("otp_totp", TotpService::context)
        .compose(a -> table("otp_totp_pending", TotpService::pendingContext).map(b -> a + b))
        .compose(ab -> table("otp_hotp", HotpService::context).map(c -> ab + c));
  }

  private Future<Integer> table(String table, LongFunction<String> context) {
    // Rows under a key no longer in the ring cannot be opened: they are left (and fail at use) rather than stopping the run.
    return pool.preparedQuery("select member_id, key_id, secret from " + table + " where key_id <> $1 and key_id = any($2) limit " + BATCH)
        .execute(Tuple.tuple().addString(box.activeKeyId()).addArrayOfString(box.keyIds())).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(0);
          }
          List<Tuple> updates = new ArrayList<>();
          for (Row row : rows) {
            long member = row.getLong(0);
            byte[] old = row.getBuffer(2).getBytes();
            byte[] plain = box.open(row.getString(1), old, context.apply(member));
            updates.add(Tuple.of(member, box.activeKeyId(), Buffer.buffer(box.seal(plain, context.apply(member))), Buffer.buffer(old)));
          }
          return pool.preparedQuery("update " + table + " set key_id = $2, secret = $3 where member_id = $1 and secret = $4")
              .executeBatch(updates)
              .compose(v -> table(table, context).map(more -> more + updates.size()));
        });
  }
}
