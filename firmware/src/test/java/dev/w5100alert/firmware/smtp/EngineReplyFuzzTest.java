package dev.w5100alert.firmware.smtp;

import static org.junit.jupiter.api.Assertions.fail;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded conversations with a server that answers every command with a random reply: the expected one, another
 * code, several lines, garbage, an overlong line, the password echoed (plain or Base64 at any alignment), a
 * hang-up or silence. Every send must end in an outcome (never PENDING, never an exception, never stuck), and the
 * password must reach neither the transcript nor the result. Virtual time: one second per idle poll.
 *
 * <p>CI slice in the suite; long run: {@code -Dfuzz.engine.count=N} ({@code -Dfuzz.engine.seed=S} to replay).
 */
class EngineReplyFuzzTest {

    private static final int COUNT = Integer.getInteger("fuzz.engine.count", 1_500);
    private static final long SEED = Long.getLong("fuzz.engine.seed", 0xE1A5L);
    private static final String PASSWORD = "Fuzz-pa55word!";

    /** An in-memory server whose every reply is drawn from {@code r}. */
    static final class RandomServer implements TcpLink {
        final Random r;
        final StringBuilder line = new StringBuilder();
        State state = State.CLOSED;
        byte[] pending = new byte[0];
        boolean inData;
        boolean closedByServer;
        boolean silent;
        int loginStep;

        RandomServer(Random r) {
            this.r = r;
        }

        @Override
        public void connect(int ipv4, int port) {
            if (r.nextInt(20) == 0) {
                state = State.FAILED;
                return;
            }
            state = State.CONNECTED;
            closedByServer = false;
            silent = false;
            inData = false;
            loginStep = 0;
            line.setLength(0);
            answer("220", false);
        }

        @Override
        public State poll() {
            return state;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            if (closedByServer) {
                return -1;
            }
            int n = r.nextInt(4) == 0 ? 1 + r.nextInt(len) : len; // sometimes a short write
            for (int i = off; i < off + n; i++) {
                line.append((char) (b[i] & 0xFF));
                if (b[i] == '\n') {
                    String l = line.toString();
                    line.setLength(0);
                    if (inData) {
                        if (l.equals(".\r\n")) {
                            inData = false;
                            answer("250", false);
                        }
                    } else if (loginStep == 1) {
                        loginStep = 2;
                        answer("334", false); // user name taken, now the password
                    } else if (loginStep == 2) {
                        loginStep = 0;
                        answer("235", false);
                    } else if (l.startsWith("AUTH LOGIN")) {
                        loginStep = 1;
                        answer("334", false);
                    } else {
                        answer(l.startsWith("AUTH") ? "235" : l.startsWith("DATA") ? "354"
                                : l.startsWith("QUIT") ? "221" : "250", l.startsWith("EHLO"));
                    }
                }
            }
            return n;
        }

        /** Queues a reply: usually the expected code, often something else. */
        private void answer(String expected, boolean ehlo) {
            int kind = r.nextInt(40);
            if (kind == 0) {
                closedByServer = true;
                return;
            }
            if (kind == 1) {
                silent = true;
                return;
            }
            String reply;
            if (kind == 2) {
                byte[] junk = new byte[1 + r.nextInt(300)];
                r.nextBytes(junk);
                reply = new String(junk, StandardCharsets.ISO_8859_1);
            } else if (kind == 3) {
                reply = expected + " " + "L".repeat(500 + r.nextInt(100));
            } else if (kind >= 7 && ehlo) {
                reply = "250-fuzz.test " + text() + "\r\n250-AUTH PLAIN LOGIN\r\n" + "250-X-FILLER\r\n".repeat(r.nextInt(40))
                        + "250 " + (r.nextBoolean() ? "8BITMIME" : "ENHANCEDSTATUSCODES") + "\r\n";
            } else {
                String code = kind >= 7 ? expected : String.valueOf(new int[] {421, 450, 451, 452, 500, 501, 502, 503,
                        504, 530, 535, 550, 552, 554, 235, 250, 251, 334, 354, 221, 220, 211}[r.nextInt(22)]);
                int lines = r.nextInt(6) == 0 ? 2 + r.nextInt(60) : 1 + r.nextInt(3);
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < lines; i++) {
                    s.append(code).append(i == lines - 1 ? ' ' : '-').append(text()).append(r.nextInt(8) == 0 ? "\n" : "\r\n");
                }
                reply = s.toString();
            }
            if (expected.equals("354") && reply.startsWith("354")) {
                inData = true;
            }
            byte[] add = reply.getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = java.util.Arrays.copyOf(pending, pending.length + add.length);
            System.arraycopy(add, 0, all, pending.length, add.length);
            pending = all;
        }

        private String text() {
            switch (r.nextInt(8)) {
                case 0:
                    return "5.7.8 you sent " + PASSWORD;
                case 1: {
                    int a = r.nextInt(3);
                    String raw = "ab".substring(0, a) + "\0alert\0" + PASSWORD + "xyz".substring(0, r.nextInt(3));
                    return "cannot decode " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
                }
                case 2:
                    return "AUTH PLAIN LOGIN";
                case 3:
                    return "SIZE " + r.nextInt(100_000);
                case 4:
                    return "8BITMIME";
                default: {
                    StringBuilder s = new StringBuilder();
                    int n = r.nextInt(40);
                    for (int i = 0; i < n; i++) {
                        s.append((char) (0x20 + r.nextInt(0x5F)));
                    }
                    return s.toString();
                }
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (state != State.CONNECTED) {
                return -1;
            }
            if (pending.length == 0) {
                return closedByServer ? -1 : 0;
            }
            if (silent) {
                return 0;
            }
            int n = Math.min(len, 1 + r.nextInt(pending.length));
            System.arraycopy(pending, 0, b, off, n);
            pending = java.util.Arrays.copyOfRange(pending, n, pending.length);
            return n;
        }

        @Override
        public void close() {
            state = State.CLOSED;
            pending = new byte[0];
        }

        @Override
        public Failure failure() {
            return closedByServer ? Failure.RESET : Failure.NONE;
        }
    }

    @Test
    void everyRandomConversationEndsInAnOutcomeWithoutLeakingThePassword() {
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        long outcomes = 0;
        java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
        for (int i = 0; i < COUNT; i++) {
            long seed = SEED + i;
            Random r = new Random(seed);
            RandomServer server = new RandomServer(r);
            EngineStepTest.StepClock clock = new EngineStepTest.StepClock();
            RecordingTranscript transcript = new RecordingTranscript();
            SmtpConfig.Builder b = SmtpConfig.builder().server("127.0.0.1", 25).heloName("[127.0.0.1]")
                    .credentials("alert", PASSWORD).allowPlaintextAuth(true).keepSessionOpen(r.nextBoolean())
                    .authMechanism(AuthMechanism.values()[r.nextInt(3)]);
            SmtpEngine engine = new SmtpEngine(server, clock, b.build(), transcript, seed);
            int sends = 1 + r.nextInt(3);
            try {
                for (int s = 0; s < sends; s++) {
                    m.clear().from("alert@example.org").addRecipient("ops@example.org");
                    if (r.nextBoolean()) {
                        m.addRecipient("boss@example.org");
                    }
                    m.subject().append("fuzz ").append(Integer.toString(s));
                    m.body().append("body of send ").append(Integer.toString(s));
                    SendResult res = engine.send(m);
                    if (res.outcome() == Outcome.PENDING || engine.busy()) {
                        fail("seed " + seed + ": send " + s + " ended without an outcome: " + res);
                    }
                    String all = transcript + "\n" + res + "\n" + res.replyText();
                    String leak = EchoedSecretTest.leak(all, PASSWORD);
                    if (leak != null) {
                        fail("seed " + seed + ": " + leak + "\n" + all);
                    }
                    outcomes++;
                    seen.merge(res.outcome() + "/" + res.cause(), 1, Integer::sum);
                }
                engine.close();
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": the engine threw " + e, e);
            }
        }
        System.out.println("[fuzz] SmtpEngine: " + COUNT + " conversations from seed " + SEED + ", " + outcomes
                + " sends, each ended in an outcome, 0 exceptions, 0 leaks; " + seen);
        if (COUNT >= 1000) {
            for (String must : new String[] {"DELIVERED/NONE", "AUTH_FAILURE/REPLY", "PERMANENT_FAILURE/REPLY",
                    "TRANSIENT_FAILURE/TIMEOUT", "TRANSIENT_FAILURE/PROTOCOL_ERROR", "TRANSIENT_FAILURE/CONNECTION_LOST"}) {
                if (!seen.containsKey(must)) {
                    fail("the conversations never reached " + must + ": " + seen);
                }
            }
        }
    }
}
