package dev.w5100alert.board.mail;

import dev.w5100alert.firmware.smtp.SmtpTranscript;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints the SMTP conversation in swaks' style: {@code -> } for what the board sends, {@code <- } for the server,
 * {@code ~> } and {@code <~ } for the same inside TLS, {@code === } for events (among them the engine's
 * {@code TLS started: ...} line). The engine has already replaced AUTH payloads by a redaction mark, and masked any
 * echo of the password in server lines, before they reach a transcript.
 */
public final class PrintTranscript implements SmtpTranscript {
    private final PrintStream out;
    private final String indent;

    public PrintTranscript(PrintStream out, String indent) {
        this.out = out;
        this.indent = indent;
    }

    @Override
    public void line(boolean fromClient, byte[] b, int off, int len) {
        line(fromClient, false, b, off, len);
    }

    @Override
    public void line(boolean fromClient, boolean insideTls, byte[] b, int off, int len) {
        String mark = fromClient ? (insideTls ? " ~> " : " -> ") : (insideTls ? "<~  " : "<-  ");
        out.println(indent + mark + new String(b, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public void event(String text) {
        out.println(indent + "=== " + text);
    }
}
