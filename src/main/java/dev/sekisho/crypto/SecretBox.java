package dev.sekisho.crypto;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * Seals small secrets (OTP keys) with AES-GCM under a key ring, and hashes short codes with a keyed
 * HMAC (a plain hash of a 6-digit code would be reversed by trying all million). The output of
 * {@link #seal} is {@code nonce(12) || ciphertext || tag(16)}; the caller stores it with
 * {@link #activeKeyId()} so {@link #open} finds the key after a rotation. The associated data binds
 * a ciphertext to its row (e.g. "totp:42"): copied to another member's row it does not open.
 * Thread-safe: a Cipher/Mac per thread, one SecureRandom shared.
 */
public final class SecretBox {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, SecretKeySpec> aesKeys = new HashMap<>();
  private final Map<String, SecretKeySpec> macKeys = new HashMap<>();
  private final String activeKeyId;
  private final boolean devKey;
  private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  public SecretBox(SecretSettings settings) {
    settings.keys().forEach((id, key) -> {
      aesKeys.put(id, new SecretKeySpec(key, "AES"));
      // A separate key for hashing, derived so one configured key serves both purposes safely.
      macKeys.put(id, new SecretKeySpec(derive(key, "sekisho code hash"), "HmacSHA256"));
    });
    this.activeKeyId = settings.activeKeyId();
    this.devKey = settings.devKey();
  }

  public String activeKeyId() {
    return activeKeyId;
  }

  public boolean usesDevKey() {
    return devKey;
  }

  public String[] keyIds() {
    return aesKeys.keySet().toArray(String[]::new);
  }

  public boolean knows(String keyId) {
    return aesKeys.containsKey(keyId);
  }

  /** Seals under the active key. */
  public byte[] seal(byte[] plain, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.ENCRYPT_MODE, aesKeys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  /** Opens a value sealed under keyId; fails when the key is unknown or the value/context was altered. */
  public byte[] open(String keyId, byte[] sealed, String context) {
    SecretKeySpec key = aesKeys.get(keyId);
    if (key == null) {
      throw new IllegalStateException("secret sealed under unknown key id '" + keyId + "' (secrets.keys)");
    }
    try {
      Cipher cipher = ciphers.get();
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("secret does not open (altered, or wrong context)", e);
    }
  }

  /** Keyed hash of a short code under the active key. */
  public byte[] hash(String context, String code) {
    return hash(activeKeyId, context, code);
  }

  public byte[] hash(String keyId, String context, String code) {
    SecretKeySpec key = macKeys.get(keyId);
    if (key == null) {
      throw new IllegalStateException("unknown key id '" + keyId + "'");
    }
    try {
      Mac mac = macs.get();
      mac.init(key);
      mac.update(context.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(code.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The code's hash under every key in the ring, active first: codes hashed before a rotation still match. */
  public byte[][] hashes(String context, String code) {
    byte[][] out = new byte[macKeys.size()][];
    out[0] = hash(activeKeyId, context, code);
    int i = 1;
    for (String id : macKeys.keySet()) {
      if (!id.equals(activeKeyId)) {
        out[i++] = hash(id, context, code);
      }
    }
    return out;
  }

  private static byte[] derive(byte[] key, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
