package dev.sekisho.journey;

/** Who makes a move of the member's state: the member through the pages, or the insurer through its API. */
public enum Actor {
  MEMBER,
  INSURER
}
