package dev.sekisho.db;

import dev.sekisho.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's connections keep its long statements prepared: the group-commit statements of the
 * code checks are several thousand characters, and the client's default keeps only statements under
 * 2,048, so PostgreSQL parsed and planned every batch again (a fifth of its CPU under OTP load).
 */
class PreparedStatementCacheTest {

  @Test
  void aStatementAsLongAsTheBatchChecksIsPreparedOnceOnItsConnectionAndReused() throws Exception {
    // The shape of a batch statement (parameter arrays unnested) and longer than the client's default limit.
    String longStatement = "select count(*) from unnest($1::bigint[]) as i(member_id) where true"
        + " and member_id is not null".repeat(120);
    assertThat(longStatement.length()).isGreaterThan(2_048).isLessThan(DatabaseTarget.PREPARED_STATEMENT_CACHE_SQL_LIMIT);
    Vertx vertx = Vertx.vertx();
    try {
      Pool oneConnection = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
          .connectingTo(TestDatabase.target().connectOptions()).using(vertx).build();
      for (int run = 0; run < 3; run++) {
        long counted = oneConnection.preparedQuery(longStatement).execute(Tuple.of(new Long[] {1L, 2L, null}))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).iterator().next().getLong(0);
        assertThat(counted).isEqualTo(2);
      }
      long prepared = oneConnection.preparedQuery("select count(*) from pg_prepared_statements where statement = $1")
          .execute(Tuple.of(longStatement)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
          .iterator().next().getLong(0);
      // Was 0: each run sent the statement as the unnamed one, parsed and planned anew.
      assertThat(prepared).isEqualTo(1);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
