package dev.sekisho.member;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Argon2id by libsodium's crypto_pwhash_str (version 1.3, 16-byte salt, 32-byte hash, p=1: the same
 * shape as Spring's encoder writes). Native code with an AVX2 block function where the CPU has it;
 * the memory of a running hash is mmap'ed by libsodium and unmapped after, never on the Java heap.
 */
final class SodiumArgon2 implements Argon2Engine {
  /** crypto_pwhash_STRBYTES: the PHC string with its terminating NUL fits in 128 bytes. */
  private static final int STR_BYTES = 128;
  /** What libsodium verifies: Argon2id or Argon2i, version 1.3, any cost, one or more lanes. */
  private static final Pattern SODIUM_VERIFIES = Pattern.compile("\\$argon2(id|i)\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+");

  private final long opsLimit;
  private final NativeLong memLimit;
  /** Hashes libsodium does not read (Argon2d, version 1.0) still verify. */
  private final Argon2Engine others;

  SodiumArgon2(PasswordSettings settings, Argon2Engine others) {
    this.opsLimit = settings.iterations();
    this.memLimit = new NativeLong(settings.memoryKiB() * 1024L);
    this.others = others;
  }

  /** The bundled libsodium, loaded once; null when it cannot be loaded. */
  private static final class Library {
    static final SodiumJava SODIUM;
    static final String PROBLEM;

    static {
      SodiumJava sodium = null;
      String problem = null;
      try {
        sodium = load();
        if (sodium.sodium_init() < 0) {
          problem = "sodium_init failed";
          sodium = null;
        }
      } catch (Throwable e) {
        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      SODIUM = sodium;
      PROBLEM = problem;
    }

    /**
     * Copies only this platform's library out of the jar and loads it from there. lazysodium's own
     * bundled loading unpacks the WHOLE jar it sits in (the shaded jar: ~160 MB) into a new temporary
     * directory at every start and never deletes it. The copy is deleted once loaded (Linux and
     * macOS keep the mapping), else at exit.
     */
    private static SodiumJava load() throws IOException {
      String resource = LibraryLoader.getSodiumPathInResources();
      Path file = Files.createTempFile("sekisho-libsodium-", resource.substring(resource.lastIndexOf('.')));
      try (InputStream in = SodiumArgon2.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("no " + resource + " in the jar for this platform");
        }
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        return new SodiumJava(file.toAbsolutePath().toString());
      } finally {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          file.toFile().deleteOnExit();
        }
      }
    }
  }

  /** Null when libsodium is ready, else why not. */
  static String unavailableBecause() {
    return Library.PROBLEM;
  }

  @Override
  public String hash(String password) {
    byte[] out = new byte[STR_BYTES];
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    try {
      if (Library.SODIUM.crypto_pwhash_str(out, bytes, bytes.length, opsLimit, memLimit) != 0) {
        throw new IllegalStateException("crypto_pwhash_str failed (out of memory?)");
      }
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
    int end = 0;
    while (end < out.length && out[end] != 0) {
      end++;
    }
    return new String(out, 0, end, StandardCharsets.US_ASCII);
  }

  @Override
  public boolean matches(String password, String phc) {
    if (phc == null || !SODIUM_VERIFIES.matcher(phc).matches()) {
      return others.matches(password, phc);
    }
    byte[] str = Arrays.copyOf(phc.getBytes(StandardCharsets.US_ASCII), phc.length() + 1); // NUL-terminated
    byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
    try {
      return Library.SODIUM.crypto_pwhash_str_verify(str, bytes, bytes.length) == 0;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Override
  public String name() {
    return "libsodium";
  }
}
