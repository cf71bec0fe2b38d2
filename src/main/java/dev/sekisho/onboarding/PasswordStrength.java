package dev.sekisho.onboarding;

import io.vertx.core.Context;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.Configuration;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;

import java.util.Locale;
import java.util.Map;

/**
 * How guessable a new password is, offline: nbvcxz (a zxcvbn-style estimator; MIT licence) rates
 * it against its dictionaries, keyboard patterns, dates, repeats and leet substitutions. Its
 * "passwords" dictionary, the 100,000 most common passwords of the published breach corpora, ranked
 * (shipped inside the nbvcxz jar from Maven Central), is also the list a password must not be on.
 *
 * <p>The dictionaries take about 20 MB of heap, and a gateway under load may never see a new
 * password (issue 15: RSS at most 300 MB per process), so they are read the first time a password
 * is checked, not at start-up, and kept from then on. Reading them blocks for a moment and an
 * estimate burns CPU for up to the library's combination timeout: both checks refuse to run on an
 * event loop ({@link PasswordPolicy} runs them on a worker).
 */
public final class PasswordStrength {
  /** Longer passwords are rated on their first 64 characters; the rest only adds strength. */
  private static final int ESTIMATED_LENGTH = 64;

  private volatile Dictionaries dictionaries;

  private PasswordStrength() {
  }

  /** Cheap: the dictionaries are read on first use. */
  public static PasswordStrength onFirstUse() {
    return new PasswordStrength();
  }

  /** Whether the dictionaries have been read (they are, once a password was checked). */
  public boolean loaded() {
    return dictionaries != null;
  }

  /** On the list of the most common breached passwords (case-insensitive). Blocking the first time. */
  public boolean isCommon(String password) {
    return dictionaries().commonPasswords.containsKey(password.toLowerCase(Locale.ROOT));
  }

  /**
   * Fewer than nbvcxz's minimum entropy (35 bits, its default: out of reach of online guessing
   * within the login limits, and costly offline against Argon2id). CPU-bound.
   */
  public boolean isGuessable(String password) {
    return !new Nbvcxz(dictionaries().configuration).estimate(password).isMinimumEntropyMet();
  }

  private Dictionaries dictionaries() {
    // Refused on an event loop even once read, so a caller on the wrong thread fails in every test,
    // not only in the one that happens to check the first password.
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("password dictionaries are read and searched on a worker, not on an event loop");
    }
    Dictionaries read = dictionaries;
    if (read == null) {
      synchronized (this) {
        read = dictionaries;
        if (read == null) {
          read = Dictionaries.read();
          dictionaries = read;
        }
      }
    }
    return read;
  }

  /** nbvcxz's configuration (all its dictionaries) and, out of it, the breached-password list. */
  private record Dictionaries(Configuration configuration, Map<String, Integer> commonPasswords) {
    /** Blocking: reads the dictionaries from the nbvcxz jar. */
    static Dictionaries read() {
      Configuration configuration = new ConfigurationBuilder().setMaxLength(ESTIMATED_LENGTH).createConfiguration();
      Map<String, Integer> common = configuration.getDictionaries().stream()
          .filter(d -> "passwords".equals(d.getDictionaryName()))
          .map(Dictionary::getDictonary)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("nbvcxz ships no 'passwords' dictionary"));
      return new Dictionaries(configuration, common);
    }
  }
}
