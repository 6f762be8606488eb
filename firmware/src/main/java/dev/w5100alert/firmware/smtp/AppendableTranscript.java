package dev.w5100alert.firmware.smtp;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the transcript as text lines to any {@link Appendable} (a {@code PrintStream}, a
 * {@code StringBuilder}, a log writer), swaks style:
 *
 * <pre>
 * === connecting
 * &lt;- 220 mail.example.org ESMTP
 * -&gt; EHLO [192.168.1.50]
 * -&gt; STARTTLS
 * &lt;- 220 ready
 * === TLS started: TLSv1.3 TLS_AES_128_GCM_SHA256, peer CN=mail.example.org, verified
 *  ~&gt; AUTH PLAIN &lt;redacted&gt;
 * &lt;~ 235 ok
 * </pre>
 *
 * Bytes are passed on one char each (ASCII as is, control bytes as {@code ?}, others as Latin-1), so it allocates
 * nothing itself; whatever the Appendable does is its own business.
 */
public final class AppendableTranscript implements SmtpTranscript {

    private final Appendable out;

    public AppendableTranscript(Appendable out) {
        this.out = out;
    }

    @Override
    public void line(boolean fromClient, byte[] b, int off, int len) {
        line(fromClient, false, b, off, len);
    }

    @Override
    public void line(boolean fromClient, boolean insideTls, byte[] b, int off, int len) {
        try {
            out.append(insideTls ? (fromClient ? " ~> " : "<~ ") : fromClient ? "-> " : "<- ");
            for (int i = 0; i < len; i++) {
                int c = b[off + i] & 0xFF;
                // Control bytes from a hostile peer must not drive the reader's terminal.
                out.append(c < 0x20 || c == 0x7F ? '?' : (char) c);
            }
            out.append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("transcript sink failed", e);
        }
    }

    @Override
    public void event(String text) {
        try {
            out.append("=== ").append(text).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("transcript sink failed", e);
        }
    }
}
