package dev.w5100alert.firmware.testing;

import dev.w5100alert.firmware.smtp.SmtpTranscript;
import java.nio.charset.StandardCharsets;

/** Collects the transcript as swaks-style text. */
public final class RecordingTranscript implements SmtpTranscript {

    private final StringBuilder text = new StringBuilder();

    @Override
    public synchronized void line(boolean fromClient, byte[] b, int off, int len) {
        text.append(fromClient ? "-> " : "<- ").append(new String(b, off, len, StandardCharsets.UTF_8)).append('\n');
    }

    @Override
    public synchronized void line(boolean fromClient, boolean insideTls, byte[] b, int off, int len) {
        if (!insideTls) {
            line(fromClient, b, off, len);
            return;
        }
        text.append(fromClient ? " ~> " : "<~ ").append(new String(b, off, len, StandardCharsets.UTF_8)).append('\n');
    }

    @Override
    public synchronized void event(String t) {
        text.append("=== ").append(t).append('\n');
    }

    @Override
    public synchronized String toString() {
        return text.toString();
    }
}
