package dev.sekisho.member;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hasher moved from Spring's encoder (Bouncy Castle) to libsodium, then to the reference library
 * with reused memory: every hash stored before must keep verifying, and a hash written now must
 * verify with the old encoders (a rollback).
 */
class PasswordHasherTest {
  private static final PasswordSettings CHEAP = new PasswordSettings(7168, 1, 1, 2, 10, "{symbol}{number}{birthdate}");
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void usesTheReusedMemoryArgon2Here() {
    assertThat(new PasswordHasher(vertx, CHEAP).implementation()).isEqualTo("argon2-reused-memory");
  }

  @Test
  void libsodiumAndTheReusedMemoryArgon2ReadEachOthersStrings() {
    Argon2Engine reused = Argon2Engine.forSettings(CHEAP);
    Argon2Engine sodium = new SodiumArgon2(CHEAP, new BouncyCastleArgon2(CHEAP));
    for (String password : List.of("pw-1234567", "関所のパスワード１２３", "")) {
      assertThat(sodium.matches(password, reused.hash(password))).isTrue();
      String bySodium = sodium.hash(password);
      assertThat(reused.matches(password, bySodium)).isTrue();
      assertThat(reused.matches(password + "x", bySodium)).isFalse();
    }
  }

  @Test
  void eachHashReusesTheMemoryOfTheOneBeforeUntilItIsIdle() {
    // The memory of a hash is not mapped and unmapped per hash (that stalled the event loops'
    // page faults): a sequence of hashes runs in one block, kept between them, released once idle.
    ReusedMemoryArgon2 reused = new ReusedMemoryArgon2(new PasswordSettings(7170, 1, 1, 2, 10, "{symbol}{number}{birthdate}"));
    Argon2Native.Blocks blocks = reused.blocks();
    assertThat(blocks.idleCount()).isZero();
    String stored = reused.hash("pw-1234567");
    assertThat(blocks.idleCount()).isEqualTo(1);
    assertThat(reused.matches("pw-1234567", stored)).isTrue();
    reused.hash("pw-7654321");
    assertThat(blocks.idleCount()).isEqualTo(1);
    reused.releaseIdleMemory(); // used just now: kept
    assertThat(blocks.idleCount()).isEqualTo(1);
    assertThat(blocks.releaseIdle(0)).isEqualTo(1);
    assertThat(blocks.idleCount()).isZero();
  }

  @Test
  void aHashOfAHigherCostThanTheSettingsStillVerifies() {
    // The hashing thread keeps a block of the configured m KiB; a stored hash of a higher cost gets a
    // block of its own for that hash.
    Argon2Engine reused = Argon2Engine.forSettings(CHEAP);
    String stored = new Argon2PasswordEncoder(16, 32, 1, 19456, 1).encode("Bench-Passw0rd!");
    assertThat(reused.matches("Bench-Passw0rd!", stored)).isTrue();
    assertThat(reused.matches("Bench-Passw0rd!", reused.hash("Bench-Passw0rd!"))).isTrue();
  }

  @Test
  void hashesOfTheOldEncoderStillVerify() throws Exception {
    PasswordHasher hasher = new PasswordHasher(vertx, CHEAP);
    // The old encoder at the old defaults (m=19 MiB, t=2), at Keycloak's cost, with two lanes, and a
    // non-ASCII password: every PHC string already stored must keep verifying.
    List<Argon2PasswordEncoder> olds = List.of(new Argon2PasswordEncoder(16, 32, 1, 19456, 2),
        new Argon2PasswordEncoder(16, 32, 1, 7168, 5), new Argon2PasswordEncoder(16, 32, 2, 7168, 1));
    for (Argon2PasswordEncoder old : olds) {
      for (String password : List.of("Bench-Passw0rd!", "関所のパスワード１２３")) {
        String stored = old.encode(password);
        assertThat(await(hasher.verify(password, stored))).as(stored).isTrue();
        assertThat(await(hasher.verify(password + "x", stored))).as(stored).isFalse();
      }
    }
  }

  @Test
  void newHashesVerifyWithTheOldEncoder() throws Exception {
    PasswordHasher hasher = new PasswordHasher(vertx, new PasswordSettings(7168, 5, 1, 2, 10, "{symbol}{number}{birthdate}"));
    Argon2PasswordEncoder old = new Argon2PasswordEncoder(16, 32, 1, 7168, 5);
    for (String password : List.of("Bench-Passw0rd!", "関所のパスワード１２３")) {
      String stored = await(hasher.hash(password));
      assertThat(stored).startsWith("$argon2id$v=19$m=7168,t=5,p=1$");
      assertThat(old.matches(password, stored)).isTrue();
      assertThat(old.matches(password + "x", stored)).isFalse();
      assertThat(await(hasher.verify(password, stored))).isTrue();
    }
  }

  @Test
  void badStoredHashesFailWithoutAnError() throws Exception {
    PasswordHasher hasher = new PasswordHasher(vertx, CHEAP);
    String good = hasher.hashNow("secret-password");
    for (String bad : List.of("", "plain", good.substring(0, good.length() - 5), good.replace("argon2id", "argon2d"),
        "$2a$10$abcdefghijklmnopqrstuu")) {
      assertThat(await(hasher.verify("secret-password", bad))).as(bad).isFalse();
    }
    assertThat(await(hasher.verify("secret-password", null))).isFalse();
  }

  @Test
  void theBouncyCastleFallbackReadsAndWritesTheSameStrings() {
    Argon2Engine sodium = Argon2Engine.forSettings(CHEAP);
    Argon2Engine bc = new BouncyCastleArgon2(CHEAP);
    assertThat(bc.matches("pw-1234567", sodium.hash("pw-1234567"))).isTrue();
    assertThat(sodium.matches("pw-1234567", bc.hash("pw-1234567"))).isTrue();
    // Two lanes: the reference library hashes them too (one after the other), and Bouncy Castle agrees.
    PasswordSettings twoLanes = new PasswordSettings(7168, 1, 2, 2, 10, "{symbol}{number}{birthdate}");
    String twoLaneHash = Argon2Engine.forSettings(twoLanes).hash("pw-1234567");
    assertThat(twoLaneHash).contains(",p=2$");
    assertThat(new BouncyCastleArgon2(twoLanes).matches("pw-1234567", twoLaneHash)).isTrue();
  }

  @Test
  void hashingThreadsRunNicerThanTheRest() throws Exception {
    PasswordHasher hasher = new PasswordHasher(vertx, CHEAP);
    // As in the gateway, the calls come from an event loop that runs already: a thread started by a
    // niced thread would inherit its nice value (Linux), and the hashing threads must start none.
    io.vertx.core.Context loop = vertx.getOrCreateContext();
    for (int i = 0; i < 4; i++) {
      String password = "pw-" + i;
      io.vertx.core.Promise<String> hashed = io.vertx.core.Promise.promise();
      loop.runOnContext(v -> hasher.hash(password).onComplete(hashed));
      await(hashed.future());
    }
    List<Integer> hashing = new ArrayList<>();
    List<Integer> loops = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        String comm = read(task.resolve("comm"));
        String stat = read(task.resolve("stat"));
        if (stat.isEmpty()) {
          continue; // the thread ended between the listing and the read (seen once in a full suite)
        }
        // Field 19 of stat is the nice value; the fields after the ")" of the command start at field 3.
        int nice = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        if (comm.startsWith("sekisho-passwor")) {
          hashing.add(nice);
        } else if (comm.startsWith("vert.x-eventloo")) {
          loops.add(nice);
        }
      }
    }
    assertThat(hashing).isNotEmpty().allMatch(n -> n == 10);
    assertThat(loops).isNotEmpty().allMatch(n -> n == 0);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
