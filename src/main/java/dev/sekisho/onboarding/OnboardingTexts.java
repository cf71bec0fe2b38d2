package dev.sekisho.onboarding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Files the onboarding pages need, read once at start-up: the terms of use of the configured
 * version (webroot/terms/terms-VERSION.LANG.md, Markdown rendered to HTML) and the list of known-weak passwords
 * (webroot/security/weak-passwords.txt, the project's own additions to the breached-password list
 * of {@link PasswordStrength}, which reads its larger dictionaries only when first needed).
 * ./webroot wins over the jar's copy.
 */
public final class OnboardingTexts {
  private final Map<String, String> terms;
  private final Set<String> weakPasswords;
  private final PasswordStrength strength;

  private OnboardingTexts(Map<String, String> terms, Set<String> weakPasswords, PasswordStrength strength) {
    this.terms = Map.copyOf(terms);
    this.weakPasswords = Set.copyOf(weakPasswords);
    this.strength = strength;
  }

  /** Blocking. A missing terms file for the configured version stops start-up. */
  public static OnboardingTexts load(String termsVersion, List<String> languages) throws IOException {
    Map<String, String> terms = new HashMap<>();
    for (String lang : languages) {
      terms.put(lang, TermsMarkdown.toHtml(read("webroot/terms/terms-" + termsVersion + "." + lang + ".md")));
    }
    Set<String> weak = new HashSet<>();
    for (String line : read("webroot/security/weak-passwords.txt").split("\n")) {
      String word = line.trim();
      if (!word.isEmpty() && !word.startsWith("#")) {
        weak.add(word.toLowerCase(Locale.ROOT));
      }
    }
    return new OnboardingTexts(terms, weak, PasswordStrength.onFirstUse());
  }

  /** The terms as safe HTML (see {@link TermsMarkdown}). */
  public String terms(String lang) {
    return terms.getOrDefault(lang, terms.get("ja"));
  }

  /**
   * On the project's list or among the most common breached passwords. Blocking (the breached list
   * is read on first use): call on a worker.
   */
  public boolean isKnownWeak(String password) {
    return weakPasswords.contains(password.toLowerCase(Locale.ROOT)) || strength.isCommon(password);
  }

  public PasswordStrength strength() {
    return strength;
  }

  private static String read(String path) throws IOException {
    Path local = Path.of(path);
    if (Files.isRegularFile(local)) {
      return Files.readString(local, StandardCharsets.UTF_8);
    }
    try (InputStream in = OnboardingTexts.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing " + path + " (check onboarding.termsVersion)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
