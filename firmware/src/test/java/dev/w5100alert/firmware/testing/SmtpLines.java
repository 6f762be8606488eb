package dev.w5100alert.firmware.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Line I/O for hand-written SMTP peers, byte by byte so nothing past a line end is consumed (the bytes after
 * STARTTLS belong to TLS). Every command read is added to {@code log}.
 */
public final class SmtpLines {

    private final InputStream in;
    private final OutputStream out;
    private final List<String> log;

    public SmtpLines(InputStream in, OutputStream out, List<String> log) {
        this.in = in;
        this.out = out;
        this.log = log;
    }

    /** One line without CRLF, or null at end of stream. */
    public String read() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                s = s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                log.add(s);
                return s;
            }
            b.write(c);
        }
        return null;
    }

    /** Sends {@code text} with CRLF after each of its lines, in one write. */
    public void send(String text) throws IOException {
        out.write((text.replace("\n", "\r\n") + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Serves a plain mail transaction until QUIT: AUTH accepted, message read to the dot. */
    public void serveTransaction(String ehloReply) throws IOException {
        String line;
        while ((line = read()) != null) {
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
            switch (verb) {
                case "EHLO" -> send(ehloReply);
                case "AUTH" -> send("235 2.7.0 ok");
                case "MAIL", "RCPT" -> send("250 ok");
                case "DATA" -> {
                    send("354 go");
                    String l;
                    while ((l = read()) != null && !l.equals(".")) {
                        // message line
                    }
                    send("250 2.0.0 queued");
                }
                case "QUIT" -> {
                    send("221 bye");
                    return;
                }
                default -> send("502 5.5.1 what?");
            }
        }
    }
}
