package dev.sekisho.onboarding;

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
 * <p>An estimate burns CPU for up to the library's combination timeout: call {@link #isGuessable}
 * on a worker thread, never on an event loop.
 */
public final class PasswordStrength {
  /** Longer passwords are rated on their first 64 characters; the rest only adds strength. */
  private static final int ESTIMATED_LENGTH = 64;

  private final Configuration configuration;
  private final Map<String, Integer> commonPasswords;

  private PasswordStrength(Configuration configuration, Map<String, Integer> commonPasswords) {
    this.configuration = configuration;
    this.commonPasswords = commonPasswords;
  }

  /** Blocking: reads the dictionaries from the nbvcxz jar. */
  public static PasswordStrength load() {
    Configuration configuration = new ConfigurationBuilder().setMaxLength(ESTIMATED_LENGTH).createConfiguration();
    Map<String, Integer> common = configuration.getDictionaries().stream()
        .filter(d -> "passwords".equals(d.getDictionaryName()))
        .map(Dictionary::getDictonary)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("nbvcxz ships no 'passwords' dictionary"));
    return new PasswordStrength(configuration, common);
  }

  /** On the list of the most common breached passwords (case-insensitive). Cheap. */
  public boolean isCommon(String password) {
    return commonPasswords.containsKey(password.toLowerCase(Locale.ROOT));
  }

  /**
   * Fewer than nbvcxz's minimum entropy (35 bits, its default: out of reach of online guessing
   * within the login limits, and costly offline against Argon2id). CPU-bound.
   */
  public boolean isGuessable(String password) {
    return !new Nbvcxz(configuration).estimate(password).isMinimumEntropyMet();
  }
}
