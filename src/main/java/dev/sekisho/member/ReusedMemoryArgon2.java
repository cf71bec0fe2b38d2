package dev.sekisho.member;

import com.sun.jna.Memory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Argon2id by the reference library ({@link Argon2Native}) with blocks of memory reused from one
 * hash to the next ({@link Argon2Native.Blocks}): no page faults and no unmapping per hash, so
 * hashing does not stall the event loops' own page faults (see {@link Argon2Native}). Writes the same PHC strings as
 * libsodium and Spring's encoder (version 1.3, 16-byte salt, 32-byte hash) and verifies theirs,
 * Argon2i, Argon2d, version 1.0 and any number of lanes included (lanes are hashed one after the
 * other: the hashing pool is the parallelism).
 */
final class ReusedMemoryArgon2 implements Argon2Engine {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PasswordSettings settings;
  private final Argon2Native.Blocks memory;

  ReusedMemoryArgon2(PasswordSettings settings) {
    this.settings = settings;
    this.memory = Argon2Native.Blocks.ofSize(settings.memoryKiB() * 1024L);
  }

  /** Null when the library is ready, else why not. */
  static String unavailableBecause() {
    return Argon2Native.Loaded.PROBLEM;
  }

  @Override
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    PhcString shape = new PhcString(Argon2Native.TYPE_ID, 0x13, settings.memoryKiB(), settings.iterations(),
        settings.parallelism(), salt, new byte[HASH_BYTES]);
    return shape.withHash(run(password, shape)).format();
  }

  @Override
  public boolean matches(String password, String phc) {
    PhcString stored = PhcString.parse(phc);
    if (stored == null) {
      return false;
    }
    try {
      return MessageDigest.isEqual(run(password, stored), stored.hash());
    } catch (IllegalStateException e) {
      return false; // parameters the library refuses (too little memory for the lanes, say): no match
    }
  }

  /** The raw hash of the password at the shape's parameters, salt and length. */
  private byte[] run(String password, PhcString shape) {
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    try (Memory pwd = new Memory(Math.max(1, bytes.length));
         Memory salt = new Memory(shape.salt().length);
         Memory out = new Memory(shape.hash().length)) {
      pwd.write(0, bytes, 0, bytes.length);
      salt.write(0, shape.salt(), 0, shape.salt().length);
      Argon2Native.Context context = new Argon2Native.Context();
      context.out = out;
      context.outlen = shape.hash().length;
      context.pwd = pwd;
      context.pwdlen = bytes.length;
      context.salt = salt;
      context.saltlen = shape.salt().length;
      context.t_cost = shape.iterations();
      context.m_cost = shape.memoryKiB();
      context.lanes = shape.lanes();
      context.threads = 1;
      context.version = shape.version();
      context.allocate_cbk = memory.allocate;
      context.free_cbk = memory.free;
      context.flags = Argon2Native.CLEAR_INPUTS;
      int result = Argon2Native.Loaded.LIB.argon2_ctx(context, shape.type());
      if (result != 0) {
        throw new IllegalStateException("argon2_ctx: " + Argon2Native.Loaded.LIB.argon2_error_message(result));
      }
      return out.getByteArray(0, shape.hash().length);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Override
  public void releaseIdleMemory() {
    memory.releaseIdle(Argon2Native.Blocks.IDLE_MILLIS);
  }

  /** The blocks this engine's hashes run in (for the test). */
  Argon2Native.Blocks blocks() {
    return memory;
  }

  @Override
  public String name() {
    return "argon2-reused-memory";
  }
}
