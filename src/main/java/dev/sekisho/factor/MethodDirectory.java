package dev.sekisho.factor;

import dev.sekisho.member.Method;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The methods a member has set up (member_method), the last used first. Only ever for the session's own member. */
public final class MethodDirectory {
  private final Pool pool;

  public MethodDirectory(Pool pool) {
    this.pool = pool;
  }

  /** Whether the member has this method set up. */
  public Future<Boolean> has(long memberId, Method method) {
    return pool.preparedQuery("select 1 from member_method where member_id = $1 and method = $2")
        .execute(Tuple.of(memberId, method.code())).map(rows -> rows.size() == 1);
  }

  public Future<List<Method>> of(long memberId) {
    return pool.preparedQuery("""
            select mm.method from member_method mm join member m on m.id = mm.member_id
            where mm.member_id = $1
            order by (mm.method = m.last_method) desc nulls last, mm.last_used_at desc nulls last, mm.created_at
            """)
        .execute(Tuple.of(memberId)).map(rows -> {
          List<Method> out = new ArrayList<>();
          for (Row row : rows) {
            Method.fromCode(row.getString(0)).ifPresent(out::add);
          }
          return out;
        });
  }
}
