package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.mail.EngineTransport;
import dev.w5100alert.board.stack.BoardStack;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.Stage;
import dev.w5100alert.hal.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SMTP engine as the board configures it from the shipped sample, against a server that takes the message
 * and answers the final dot only after a while, in virtual time (one second per idle poll).
 */
class SlowServerWithShippedConfigTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    static final class StepClock implements Clock {
        long now = SECOND;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return 1_795_380_581_000L + now / 1_000_000;
        }

        @Override
        public void idle() {
            now += SECOND;
        }
    }

    /** An in-memory server: one reply per command line; the reply to the final dot comes after {@code dotDelay}. */
    static final class SlowServer implements TcpLink {
        final StepClock clock;
        final long dotDelay;
        final StringBuilder sent = new StringBuilder();
        State state = State.CLOSED;
        byte[] pending = new byte[0];
        boolean inData;
        long dotAt = -1;

        SlowServer(StepClock clock, long dotDelay) {
            this.clock = clock;
            this.dotDelay = dotDelay;
        }

        private void say(String reply) {
            pending = (reply + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void connect(int ipv4, int port) {
            state = State.CONNECTED;
            say("220 slow.test ESMTP");
        }

        @Override
        public State poll() {
            return state;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            sent.append(new String(b, off, len, StandardCharsets.ISO_8859_1));
            String all = sent.toString();
            if (inData) {
                if (all.endsWith("\r\n.\r\n")) {
                    inData = false;
                    dotAt = clock.now;
                }
                return len;
            }
            if (!all.endsWith("\r\n")) {
                return len;
            }
            int previous = all.lastIndexOf("\r\n", all.length() - 3);
            String line = all.substring(previous < 0 ? 0 : previous + 2, all.length() - 2);
            if (line.startsWith("EHLO")) {
                say("250-slow.test\r\n250 AUTH PLAIN");
            } else if (line.startsWith("AUTH")) {
                say("235 2.7.0 ok");
            } else if (line.startsWith("DATA")) {
                inData = true;
                say("354 go ahead");
            } else if (line.startsWith("QUIT")) {
                say("221 bye");
            } else {
                say("250 ok");
            }
            return len;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (dotAt >= 0) {
                if (clock.now - dotAt < dotDelay) {
                    return 0; // still thinking about it
                }
                dotAt = -1;
                say("250 2.0.0 queued after a long think");
            }
            int n = Math.min(len, pending.length);
            System.arraycopy(pending, 0, b, off, n);
            pending = java.util.Arrays.copyOfRange(pending, n, pending.length);
            return n;
        }

        @Override
        public void close() {
            state = State.CLOSED;
        }

        @Override
        public Failure failure() {
            return Failure.NONE;
        }
    }

    private SendResult send(long dotDelay, long[] waited) throws Exception {
        BoardConfig c = new ConfigParser(Map.of("W5100_SMTP_PASSWORD", "pw-slow")::get)
                .parse("w5100-alert.conf", Files.readAllLines(Path.of("deploy/w5100-alert.conf")).stream()
                        // the slow server speaks plain SMTP: the shipped timeouts are what is tested, not TLS
                        .map(l -> l.equals("#tls = starttls") ? "tls = none"
                                : l.equals("#allow-plaintext-auth = true") ? "allow-plaintext-auth = true" : l)
                        .toList(), Path.of("."), null);
        StepClock clock = new StepClock();
        SlowServer server = new SlowServer(clock, dotDelay);
        SmtpEngine engine = new SmtpEngine(server, clock, BoardStack.smtpConfig(c), null, 3);
        MailMessage m = new MailMessage(EngineTransport.LIMITS);
        m.from(c.smtp().sender()).addRecipient(c.smtp().recipients().get(0));
        m.subject().append("slow");
        m.body().append("slow but sure");
        long t0 = clock.now;
        SendResult r = engine.send(m);
        waited[0] = clock.now - t0;
        assertTrue(server.sent.toString().contains("\r\n.\r\n"), "the message was sent");
        return r;
    }

    @Test
    void theShippedConfigDeliversWhenTheFinalDotIsAnsweredAfterNineMinutes() throws Exception {
        long[] waited = new long[1];
        SendResult r = send(9 * MINUTE, waited);
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals("2.0.0 queued after a long think", r.replyText());
        assertTrue(waited[0] >= 9 * MINUTE, "virtual time: " + waited[0] / SECOND + " s");
    }

    @Test
    void theShippedConfigGivesUpOnTheFinalDotAfterTenMinutes() throws Exception {
        long[] waited = new long[1];
        SendResult r = send(60 * MINUTE, waited);
        assertEquals(FailureCause.TIMEOUT, r.cause(), r::toString);
        assertEquals(Stage.DATA_END, r.stage());
        assertTrue(waited[0] >= 10 * MINUTE && waited[0] < 11 * MINUTE, "virtual time: " + waited[0] / SECOND + " s");
    }
}
