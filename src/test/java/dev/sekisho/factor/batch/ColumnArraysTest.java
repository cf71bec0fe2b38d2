package dev.sekisho.factor.batch;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batch statements' parameters: one array per column in the checks' order, shared values last. */
class ColumnArraysTest {
  @Test
  void eachColumnBecomesOneArrayAndSharedValuesComeLastFromTheFirstCheck() {
    Tuple arrays = ColumnArrays.of("L-SBDI", List.of(
        Tuple.of(1L, 30.0, "a", Buffer.buffer("x"), 0.5, 7),
        Tuple.of(2L, 99.0, null, Buffer.buffer("y"), 1.5, null)));

    assertThat(arrays.size()).isEqualTo(6);
    assertThat(arrays.getArrayOfLongs(0)).containsExactly(1L, 2L);
    assertThat(arrays.getArrayOfStrings(1)).as("a null element stays null").containsExactly("a", null);
    assertThat(arrays.getArrayOfBuffers(2)).containsExactly(Buffer.buffer("x"), Buffer.buffer("y"));
    assertThat(arrays.getArrayOfDoubles(3)).containsExactly(0.5, 1.5);
    assertThat(arrays.getArrayOfIntegers(4)).containsExactly(7, null);
    assertThat(arrays.getValue(5)).as("the shared value, as the first check has it").isEqualTo(30.0);
  }

  @Test
  void timestampsBecomeAnArrayOfTimestamps() {
    OffsetDateTime at = OffsetDateTime.of(2026, 12, 1, 9, 0, 0, 0, ZoneOffset.UTC);

    Tuple arrays = ColumnArrays.of("T", List.of(Tuple.of(at), Tuple.tuple().addOffsetDateTime(null)));

    assertThat(arrays.getArrayOfOffsetDateTimes(0)).containsExactly(at, null);
  }

  @Test
  void twoSetsOfRowsFollowEachOther() {
    Tuple arrays = ColumnArrays.add(ColumnArrays.of("LB", List.of()), "LS", List.of(Tuple.of(5L, "s")));

    assertThat(arrays.size()).isEqualTo(4);
    assertThat(arrays.getArrayOfLongs(0)).as("no rows: an empty array").isEmpty();
    assertThat(arrays.getArrayOfLongs(2)).containsExactly(5L);
    assertThat(arrays.getArrayOfStrings(3)).containsExactly("s");
  }

  @Test
  void typesThatDoNotFitTheChecksAreRefused() {
    assertThatThrownBy(() -> ColumnArrays.of("LS", List.of(Tuple.of(1L, "a", 3))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ColumnArrays.of("L-", List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ColumnArrays.of("X", List.of(Tuple.of(1)))).isInstanceOf(IllegalArgumentException.class);
  }
}
