package dev.w5100alert.firmware.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.hal.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/**
 * The engine stepped by hand over an in-memory link: what doWork does per step, the data-block deadline
 * (a peer that stops taking bytes), and the connect deadline. Time is a plain counter.
 */
class EngineStepTest {

    /** A link that answers each CRLF-terminated client line from a queue, and can stop accepting bytes. */
    static final class MemoryLink implements TcpLink {
        final Deque<String> replies = new ArrayDeque<>();
        final StringBuilder sent = new StringBuilder();
        State state = State.CLOSED;
        boolean connectHangs;
        int acceptLimit = Integer.MAX_VALUE; // bytes still accepted
        byte[] pending = new byte[0];
        boolean inData;

        @Override
        public void connect(int ipv4, int port) {
            state = State.CONNECTING;
        }

        @Override
        public State poll() {
            if (state == State.CONNECTING && !connectHangs) {
                state = State.CONNECTED;
                pending = (replies.poll() + "\r\n").getBytes(StandardCharsets.US_ASCII);
            }
            return state;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            int n = Math.min(len, acceptLimit);
            acceptLimit -= n;
            String s = new String(b, off, n, StandardCharsets.ISO_8859_1);
            sent.append(s);
            // one reply per completed command line; message data only gets one after "."
            String all = sent.toString();
            int lines = 0;
            for (String line : all.split("\r\n", -1)) {
                lines++;
            }
            if (!inData && s.endsWith("\r\n") && !replies.isEmpty()) {
                String line = all.substring(all.lastIndexOf("\r\n", all.length() - 3) + 2);
                if (line.startsWith("DATA")) {
                    inData = true;
                }
                pending = (replies.poll() + "\r\n").getBytes(StandardCharsets.US_ASCII);
            } else if (inData && all.endsWith("\r\n.\r\n") && !replies.isEmpty()) {
                inData = false;
                pending = (replies.poll() + "\r\n").getBytes(StandardCharsets.US_ASCII);
            }
            return n;
        }

        @Override
        public int read(byte[] b, int off, int len) {
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

    static final class StepClock implements Clock {
        long now;

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
            now += 1_000_000_000L;
        }
    }

    private final MemoryLink link = new MemoryLink();
    private final StepClock clock = new StepClock();
    private final SmtpEngine engine = new SmtpEngine(link, clock,
            SmtpConfig.builder().server("127.0.0.1", 25).heloName("[127.0.0.1]").sendChunkBytes(64).build(), null, 9);
    private final MailMessage message = new MailMessage(MessageLimits.DEFAULT);

    EngineStepTest() {
        message.from("a@example.org").addRecipient("b@example.org");
        for (int i = 0; i < 100; i++) {
            message.body().append("line ").append(i).append('\n');
        }
    }

    @Test
    void deliversWhenSteppedByTheCallerWithoutBlocking() {
        link.replies.addAll(java.util.List.of("220 hi", "250 ok", "250 ok", "250 ok", "354 go", "250 done", "221 bye"));
        engine.start(message, clock.now);
        int steps = 0;
        while (engine.busy() && steps < 10_000) {
            engine.doWork(clock.now); // never idles, never blocks: time stands still here
            steps++;
        }
        assertEquals(Outcome.DELIVERED, engine.result().outcome(), engine.result()::toString);
        assertEquals(0, clock.now);
        assertTrue(link.sent.toString().startsWith("EHLO [127.0.0.1]\r\nMAIL FROM:<a@example.org>\r\n"));
        assertTrue(link.sent.toString().endsWith("line 99\r\n.\r\nQUIT\r\n"), link.sent::toString);
    }

    @Test
    void timesOutWhenThePeerStopsTakingMessageData() {
        link.replies.addAll(java.util.List.of("220 hi", "250 ok", "250 ok", "250 ok", "354 go"));
        engine.start(message, clock.now);
        while (engine.stage() != Stage.MESSAGE && engine.busy()) {
            engine.doWork(clock.now);
        }
        link.acceptLimit = 100; // a little more, then nothing: the window closed
        long t0 = clock.now;
        SendResult r = engine.result();
        for (int i = 0; i < 1000 && engine.busy(); i++) {
            if (engine.doWork(clock.now) == 0) {
                clock.idle();
            }
        }
        assertFalse(engine.busy());
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
        assertEquals(FailureCause.TIMEOUT, r.cause());
        assertEquals(Stage.MESSAGE, r.stage());
        long waited = clock.now - t0;
        assertTrue(waited >= 180_000_000_000L && waited <= 182_000_000_000L, "3 min data-block deadline, waited "
                + waited);
    }

    @Test
    void quitsAKeptSessionAfterItsIdleLimit() {
        SmtpEngine kept = new SmtpEngine(link, clock, SmtpConfig.builder().server("127.0.0.1", 25)
                .heloName("[127.0.0.1]").keepSessionOpen(true).sessionIdleMillis(60_000).build(), null, 9);
        link.replies.addAll(java.util.List.of("220 hi", "250 ok", "250 ok", "250 ok", "354 go", "250 done", "221 bye"));
        assertEquals(Outcome.DELIVERED, kept.send(message).outcome());
        assertTrue(kept.sessionOpen());
        long t0 = clock.now;
        for (int i = 0; i < 100 && kept.stage() == Stage.SESSION_IDLE; i++) {
            kept.doWork(clock.now);
            clock.idle();
        }
        assertEquals(Stage.QUIT, kept.stage());
        assertTrue(clock.now - t0 >= 60_000_000_000L && clock.now - t0 <= 62_000_000_000L);
        while (kept.busy()) {
            kept.doWork(clock.now);
        }
        assertTrue(link.sent.toString().endsWith(".\r\nQUIT\r\n"), link.sent::toString);
        assertFalse(kept.sessionOpen());
        assertEquals(Outcome.DELIVERED, kept.result().outcome(), "the QUIT does not touch the last result");
    }

    @Test
    void abortEndsAPendingSendAsTransientAndClosesTheLink() {
        link.replies.addAll(java.util.List.of("220 hi", "250 ok"));
        engine.start(message, clock.now);
        while (engine.stage() != Stage.MAIL) {
            engine.doWork(clock.now);
        }
        engine.abort();
        assertFalse(engine.busy());
        assertEquals(Outcome.TRANSIENT_FAILURE, engine.result().outcome());
        assertEquals(FailureCause.CONNECTION_LOST, engine.result().cause());
        assertEquals(Stage.MAIL, engine.result().stage());
        assertEquals(TcpLink.State.CLOSED, link.state);
    }

    @Test
    void blockingSendGivesUpWhenTheClockStandsStill() {
        Clock frozen = new Clock() {
            @Override
            public long nanoTime() {
                return 5;
            }

            @Override
            public long epochMillis() {
                return 1_795_380_581_000L;
            }

            @Override
            public void idle() {
            }
        };
        link.connectHangs = true;
        SmtpEngine stuck = new SmtpEngine(link, frozen,
                SmtpConfig.builder().server("127.0.0.1", 25).heloName("[127.0.0.1]").build(), null, 9);
        SendResult r = stuck.send(message);
        assertFalse(stuck.busy());
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
        assertEquals(FailureCause.TIMEOUT, r.cause());
        assertEquals(Stage.CONNECTING, r.stage());
    }

    @Test
    void timesOutAConnectThatNeverCompletes() {
        link.connectHangs = true;
        SendResult r = engine.send(message);
        assertEquals(FailureCause.TIMEOUT, r.cause());
        assertEquals(Stage.CONNECTING, r.stage());
        assertEquals(30_000_000_000L, clock.now);
    }
}
