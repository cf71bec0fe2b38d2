package dev.sekisho.factor;

import java.util.List;

/**
 * The outcome of a set-up confirmed with a code: the check's result and, for the member's first
 * method, the recovery codes to show once (empty otherwise).
 */
public record Activation(CheckResult result, List<String> recoveryCodes) {}
