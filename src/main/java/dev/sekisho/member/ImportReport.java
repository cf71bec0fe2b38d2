package dev.sekisho.member;

/** What a successful import did. */
public record ImportReport(int members, int inserted, int updated, int passwordsIssued) {
}
