package dev.sekisho.member;

import java.time.LocalDate;

/** One valid line of an import file. password is null when the issued-password rule applies. */
public record MemberRow(int line, String loginId, String cardSymbol, String cardNumber, LocalDate birthdate,
                        String name, String email, String password) {
}
