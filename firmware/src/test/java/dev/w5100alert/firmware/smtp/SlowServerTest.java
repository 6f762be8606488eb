package dev.w5100alert.firmware.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.net.TcpLink;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Per-stage deadlines in virtual time (a step clock that moves one second per idle poll): a server that is slow
 * but accepts must not be given up on before RFC 5321 says, and one that never answers is given up on then.
 */
class SlowServerTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    /** The in-memory server of {@link EngineStepTest}, holding its reply to the final dot back for a while. */
    static final class SlowDotLink implements TcpLink {
        final EngineStepTest.MemoryLink inner = new EngineStepTest.MemoryLink();
        final EngineStepTest.StepClock clock;
        final long dotDelayNanos;
        long dotSeenAt = -1;

        SlowDotLink(EngineStepTest.StepClock clock, long dotDelayNanos) {
            this.clock = clock;
            this.dotDelayNanos = dotDelayNanos;
        }

        @Override
        public void connect(int ipv4, int port) {
            inner.connect(ipv4, port);
        }

        @Override
        public State poll() {
            return inner.poll();
        }

        @Override
        public int write(byte[] b, int off, int len) {
            int n = inner.write(b, off, len);
            if (dotSeenAt < 0 && inner.sent.toString().endsWith("\r\n.\r\n")) {
                dotSeenAt = clock.now;
            }
            return n;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (dotSeenAt >= 0 && clock.now - dotSeenAt < dotDelayNanos && !inner.sent.toString().endsWith("QUIT\r\n")) {
                return 0; // still "queueing" the message
            }
            return inner.read(b, off, len);
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public Failure failure() {
            return Failure.NONE;
        }
    }

    private SendResult sendThroughSlowServer(long dotDelayNanos, SmtpTimeouts timeouts, long[] waited) {
        EngineStepTest.StepClock clock = new EngineStepTest.StepClock();
        SlowDotLink link = new SlowDotLink(clock, dotDelayNanos);
        link.inner.replies.addAll(java.util.List.of("220 slow.test", "250 slow.test", "250 ok", "250 ok", "354 go",
                "250 2.0.0 queued at last", "221 bye"));
        SmtpEngine engine = new SmtpEngine(link, clock,
                SmtpConfig.builder().server("127.0.0.1", 25).heloName("[127.0.0.1]").timeouts(timeouts).build(), null, 1);
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("a@example.org").addRecipient("b@example.org");
        m.body().append("slow but sure");
        SendResult r = engine.send(m);
        waited[0] = link.dotSeenAt < 0 ? -1 : clock.now - link.dotSeenAt;
        assertTrue(link.inner.sent.toString().contains("\r\n.\r\n"), "the message was sent");
        return r;
    }

    @Test
    void deliversWhenTheServerAnswersTheFinalDotAfterNineMinutes() {
        long[] waited = new long[1];
        SendResult r = sendThroughSlowServer(9 * MINUTE, SmtpTimeouts.RFC_5321, waited);
        assertEquals(Outcome.DELIVERED, r.outcome(), r::toString);
        assertEquals("2.0.0 queued at last", r.replyText());
        assertTrue(waited[0] >= 9 * MINUTE, "virtual time waited: " + waited[0] / SECOND + " s");
    }

    @Test
    void givesUpOnTheFinalDotAfterTenMinutesAsTransient() {
        long[] waited = new long[1];
        SendResult r = sendThroughSlowServer(30 * MINUTE, SmtpTimeouts.RFC_5321, waited);
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome(), r::toString);
        assertEquals(FailureCause.TIMEOUT, r.cause());
        assertEquals(Stage.DATA_END, r.stage());
        assertTrue(waited[0] >= 10 * MINUTE && waited[0] <= 10 * MINUTE + 2 * SECOND,
                "virtual time waited: " + waited[0] / SECOND + " s");
    }

    @Test
    void aShorterConfiguredEndOfDataGivesUpSooner() {
        long[] waited = new long[1];
        SmtpTimeouts oneMinute = new SmtpTimeouts(30_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000, 60_000,
                60_000, 60_000, 10_000);
        SendResult r = sendThroughSlowServer(9 * MINUTE, oneMinute, waited);
        assertEquals(FailureCause.TIMEOUT, r.cause(), r::toString);
        assertTrue(waited[0] >= MINUTE && waited[0] <= MINUTE + 2 * SECOND, "waited " + waited[0] / SECOND + " s");
    }

    @Test
    void anEndlessReplyEndsAtTheStageDeadlineNotAtALineCount() {
        EngineStepTest.StepClock clock = new EngineStepTest.StepClock();
        byte[] line = "250-X-MORE-AND-MORE\r\n".getBytes(StandardCharsets.US_ASCII);
        long[] lines = new long[1];
        TcpLink endless = new TcpLink() {
            boolean greeted;

            @Override
            public void connect(int ipv4, int port) {
            }

            @Override
            public State poll() {
                return State.CONNECTED;
            }

            @Override
            public int write(byte[] b, int off, int len) {
                return len;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (!greeted) {
                    greeted = true;
                    byte[] g = "220 hi\r\n".getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(g, 0, b, off, g.length);
                    return g.length;
                }
                int n = Math.min(len, line.length);
                System.arraycopy(line, 0, b, off, n); // one line per read, for ever
                lines[0]++;
                return n;
            }

            @Override
            public void close() {
            }

            @Override
            public Failure failure() {
                return Failure.NONE;
            }
        };
        dev.w5100alert.firmware.testing.RecordingTranscript transcript = new dev.w5100alert.firmware.testing.RecordingTranscript();
        SmtpEngine engine = new SmtpEngine(endless, clock,
                SmtpConfig.builder().server("127.0.0.1", 25).heloName("[127.0.0.1]").build(), transcript, 1);
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("a@example.org").addRecipient("b@example.org");
        engine.start(m, clock.now);
        long start = clock.now;
        while (engine.busy() && clock.now - start < 10 * MINUTE) {
            engine.doWork(clock.now);
            clock.now += 10_000_000L; // 10 ms of virtual time per step, however much arrived
        }
        SendResult r = engine.result();
        assertEquals(FailureCause.TIMEOUT, r.cause(), r::toString);
        assertEquals(Stage.EHLO, r.stage());
        assertTrue(lines[0] > 25_000, "read " + lines[0] + " lines before the 5-minute EHLO deadline");
        assertTrue(clock.now - start >= 5 * MINUTE && clock.now - start < 5 * MINUTE + SECOND);
        String t = transcript.toString();
        assertEquals(SmtpEngine.MAX_TRANSCRIBED_LINES, t.split("<- 250-X-MORE-AND-MORE\n", -1).length - 1,
                "the transcript of one reply is bounded");
        assertTrue(t.contains("=== further lines of this reply not shown\n=== timed out"), t.substring(t.length() - 200));
    }
}
