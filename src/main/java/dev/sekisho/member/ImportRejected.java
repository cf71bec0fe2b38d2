package dev.sekisho.member;

import java.util.List;

/** An import file with at least one bad line; nothing of it was loaded. */
public final class ImportRejected extends RuntimeException {
  private final List<ImportProblem> problems;

  public ImportRejected(List<ImportProblem> problems) {
    super(problems.size() + " line(s) refused; nothing was loaded", null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<ImportProblem> problems() {
    return problems;
  }
}
