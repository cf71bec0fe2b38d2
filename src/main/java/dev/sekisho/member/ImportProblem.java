package dev.sekisho.member;

/** Why one line of an import file was refused. Line 1 is the header. */
public record ImportProblem(int line, String reason) {
  @Override
  public String toString() {
    return "line " + line + ": " + reason;
  }
}
