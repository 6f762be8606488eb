package dev.w5100alert.firmware.tls;

/**
 * How the SMTP connection gets its TLS ({@code [smtp] tls = starttls | implicit | none}).
 *
 * <ul>
 * <li>{@link #STARTTLS}: RFC 3207, plain greeting and EHLO, then {@code STARTTLS}; a server that does not offer it
 * is refused before any credential leaves (no silent downgrade).</li>
 * <li>{@link #IMPLICIT}: RFC 8314, TLS from the first byte, then the greeting (port 465).</li>
 * <li>{@link #NONE}: explicit opt-out; AUTH then still needs {@code allow-plaintext-auth}.</li>
 * </ul>
 */
public enum TlsMode {
    STARTTLS, IMPLICIT, NONE;

    /** The default for a port: {@link #IMPLICIT} for 465 (RFC 8314 submissions), {@link #STARTTLS} otherwise. */
    public static TlsMode defaultFor(int port) {
        return port == 465 ? IMPLICIT : STARTTLS;
    }
}
