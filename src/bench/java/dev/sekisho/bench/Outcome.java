package dev.sekisho.bench;

/** How one request ended, from the benchmark's point of view. */
public enum Outcome {
  /** The expected success. */
  OK,
  /** An expected refusal: a replayed or used code the gateway rightly turned down (it still cost the check). */
  REFUSED,
  /** Anything else: a wrong status, a timeout, a connection error. */
  ERROR
}
