package dev.w5100alert.board.mail;

import dev.w5100alert.board.config.BoardConfig;

/**
 * What the board tells a person about TLS: the settings in effect ({@code config check}, {@code diagnose}) and, for
 * every TLS-related failure, one sentence that says what happened and which setting to change. The sentences are
 * shared by {@code send-test}, the service log, {@code diagnose} and the outbox, so a user meets the same words
 * everywhere. Nothing here ever includes a credential.
 */
public final class TlsMessages {

    private TlsMessages() { }

    /** One line: mode, the name the certificate must carry and what is trusted. */
    public static String describe(BoardConfig.Smtp smtp) {
        BoardConfig.TlsSettings t = smtp.tls();
        if (t.mode() == BoardConfig.TlsMode.NONE) {
            return "TLS: none (smtp.tls = none): mail" + (smtp.hasCredentials() ? " and the password" : "")
                    + " cross the network unencrypted";
        }
        StringBuilder b = new StringBuilder("TLS: ").append(t.mode().configName());
        b.append(t.mode() == BoardConfig.TlsMode.IMPLICIT ? " (TLS from the first byte)" : " (STARTTLS before AUTH)");
        String name = t.expectedName(smtp.serverText());
        if (name != null) {
            b.append("; the certificate must carry the name ").append(name)
                    .append(t.serverName() != null ? " (smtp.tls-server-name)" : " (smtp.server)");
        } else {
            b.append("; the certificate must carry the IP address ").append(smtp.serverText())
                    .append(" (smtp.server is an address and smtp.tls-server-name is not set)");
        }
        if (t.caFile() == null) {
            b.append("; trusted: the JDK's default CA certificates");
        } else {
            b.append("; trusted: ").append(t.caSubjects().size()).append(" certificate(s) from ").append(t.caFile());
            for (String s : t.caSubjects()) {
                b.append(" [").append(s).append(']');
            }
        }
        return b.toString();
    }
}
