package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.BoardStack;
import dev.w5100alert.board.stack.DemoMailServer;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.Properties;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The board on a home LAN, through the whole board stack on the simulated chip: {@code mode = dhcp}, the mail
 * server given by name, network time from the lease, and a board clock 400 days behind (a Pi Zero after a power
 * cut). The sensor trips before the board has an address or the time; the alert waits, and lands in GreenMail
 * with a Date within seconds of the true time. Over STARTTLS with real certificate checks: the embedded
 * SubEthaSMTP's certificate is issued for the server's name by a CA made at the true time, so a board that sent
 * before network time would see a certificate not yet valid.
 */
class DhcpBoardEndToEndTest {

    static final String CONFIG = """
            [network]
            mode = dhcp
            mac = 02:00:5e:10:00:01
            [smtp]
            server = smtp.example.org
            port = 587
            tls = starttls
            sender = alarm@example.org
            recipients = ops@example.org
            timeout = 10s
            [time]
            ntp = from-dhcp
            wait-for-time = 5m
            [outbox]
            retry-initial = 300ms
            retry-max = 2s
            [sensor door]
            pin = 17
            debounce = 10ms
            active-name = open
            inactive-name = closed
            subject = [alarm] {sensor} {state}
            min-interval = 0s
            """;

    static final long BEHIND_SECONDS = -400L * 86_400;
    static final long DEADLINE = 60_000_000_000L;

    @TempDir
    Path dir;

    final Log.Recording log = new Log.Recording();
    GreenMail greenMail;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.start();
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    BoardConfig config(String text) throws Exception {
        return new ConfigParser(k -> null).parse("t.conf", Arrays.asList(text.split("\n")), dir, null);
    }

    @Test
    void leaseNameAndNetworkTimeThenTheAlertArrivesOverStartTlsWithTheTrueDate() throws Exception {
        BoardConfig plain = config(CONFIG);
        long realStart = System.nanoTime();
        try (DemoMailServer mail = DemoMailServer.start(plain.smtp());
             SimulatedBoard board = SimulatedBoard.start(mail.boardConfig(plain), mail.port(), dir.resolve("outbox"),
                Clock.SYSTEM, log, null, 200_000_000L, BEHIND_SECONDS)) {
            board.stack.bringUp();
            long boardSkew = board.stack.wallClock.epochMillis() - System.currentTimeMillis();
            assertTrue(boardSkew < -399L * 86_400_000L, "the board starts 400 days behind: " + boardSkew);
            board.trip(0, true); // before any lease or network time
            long until = System.nanoTime() + DEADLINE;
            while (board.stack.outbox.pendingCount() == 0 && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            assertEquals(1, board.stack.outbox.pendingCount(), log.lines()::toString);
            assertFalse(board.stack.wallClock.known(), "the alert was queued before network time");

            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), log.lines()::toString);
            long realNanos = System.nanoTime() - realStart;
            long frames = board.sim.counters().frames();
            assertEquals(1, board.stack.agent.deliveredCount(), log.lines()::toString);
            assertEquals(0, board.stack.agent.chipResets(), "the leased address passes the chip health check");
            assertEquals(1, mail.received().size());
            MimeMessage got = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(mail.received().get(0).data()));
            long dateError = got.getSentDate().getTime() - System.currentTimeMillis();
            assertTrue(Math.abs(dateError) < 60_000, "Date header off by " + dateError + " ms (board clock 400 days "
                    + "behind, alert raised before network time)");
            assertEquals("[alarm] door open", got.getSubject());

            int lease = board.stack.lan.dhcp().address();
            assertTrue(lease >= Ipv4.of(192, 168, 1, 100) && lease <= Ipv4.of(192, 168, 1, 199), Ipv4.format(lease));
            assertEquals(Ipv4.of(192, 168, 1, 10), board.stack.lan.mailServer());
            assertTrue(log.contains("DHCP lease obtained: " + Ipv4.format(lease)), log.lines()::toString);
            assertTrue(log.contains("waits for the network"), log.lines()::toString);
            assertTrue(log.contains("network time set"), log.lines()::toString);
            assertTrue(log.contains("raised before get their Date corrected"), log.lines()::toString);
            String d = board.stack.lan.describe(System.nanoTime());
            assertTrue(d.contains("lease: " + Ipv4.format(lease)) && d.contains("mail server smtp.example.org: 192.168.1.10")
                    && d.contains("network time, offset"), d);
            // The status page shows the same LAN state: the lease, the server's DNS answer, network time.
            var status = board.stack.status.model;
            assertTrue(status.lease() != null && status.lease().startsWith(Ipv4.format(lease) + "/255.255.255.0 via "),
                    String.valueOf(status.lease()));
            assertEquals("smtp.example.org = 192.168.1.10", status.dnsAnswer());
            assertTrue(status.clockSource().startsWith("network time (SNTP), offset "), status.clockSource());
            System.out.printf("board power-on to first mail accepted (DHCP + DNS + NTP + STARTTLS, board clock 400 "
                    + "days behind) over w5100-sim: %d SPI frames, %.2f s (virtual = real time here; shared machine)%n",
                    frames, realNanos / 1e9);
        }
    }

    @Test
    void afterAChipResetTheLeaseIsWrittenBackAndTheQueuedAlertIsDelivered() throws Exception {
        BoardConfig cfg = config(CONFIG.replace("tls = starttls", "tls = none"));
        try (SimulatedBoard board = SimulatedBoard.start(cfg, greenMail.getSmtp().getPort(), dir.resolve("outbox"),
                Clock.SYSTEM, log, null, 200_000_000L, 0)) {
            board.stack.bringUp();
            long until = System.nanoTime() + DEADLINE;
            while (!board.stack.lan.mailMayGo(System.nanoTime(), 0, Long.MAX_VALUE) && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            int lease = board.stack.lan.dhcp().address();
            assertTrue(lease != 0, log.lines()::toString);
            board.sim.faults().misoStuckAt(0xFF); // the chip falls off the bus
            board.trip(0, true);
            while (board.stack.agent.chipResets() < 1 && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            board.sim.faults().clear();
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), log.lines()::toString);
            assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
            byte[] sipr = new byte[4];
            board.stack.driver.readRegisters(0x000F, sipr, 0, 4); // SIPR, read back from the chip
            assertEquals(Ipv4.format(lease), Ipv4.format(Ipv4.of(sipr[0] & 0xFF, sipr[1] & 0xFF, sipr[2] & 0xFF,
                    sipr[3] & 0xFF)), "the chip has the leased address again after the reset");
            assertTrue(log.contains("reset and configured again"), log.lines()::toString);
        }
    }

    /** Virtual time: moves 1 ms per idle, and jumps when the test says so. */
    static final class VirtualClock implements Clock {
        volatile long now = 1_000_000_000L;
        final long epochBase = System.currentTimeMillis();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return epochBase + now / 1_000_000L;
        }

        @Override
        public void idle() {
            now += 1_000_000L;
            Thread.onSpinWait();
        }
    }

    @Test
    void theLeaseIsRenewedAtT1InsideTheLoopAndTheLogSaysSo() throws Exception {
        BoardConfig cfg = config(CONFIG.replace("tls = starttls", "tls = none").replace("ntp = from-dhcp", "ntp = off"));
        VirtualClock clock = new VirtualClock();
        try (SimulatedBoard board = SimulatedBoard.start(cfg, greenMail.getSmtp().getPort(), dir.resolve("outbox"),
                clock, log, null, 5_000_000_000L, 0)) {
            board.stack.bringUp();
            for (int i = 0; i < 100_000 && !board.stack.lan.dhcp().bound(); i++) {
                if (board.stack.agent.doWork(clock.nanoTime()) == 0) {
                    clock.idle();
                }
            }
            assertTrue(board.stack.lan.dhcp().bound(), log.lines()::toString);
            long renewAt = board.stack.lan.dhcp().renewAt();
            clock.now = renewAt; // half an hour later, in virtual time
            for (int i = 0; i < 100_000 && board.stack.lan.dhcp().renewals() == 0; i++) {
                if (board.stack.agent.doWork(clock.nanoTime()) == 0) {
                    clock.idle();
                }
            }
            assertEquals(1, board.stack.lan.dhcp().renewals(), log.lines()::toString);
            assertTrue(log.contains("DHCP lease renewed: " + Ipv4.format(board.stack.lan.dhcp().address())),
                    log.lines()::toString);
            assertTrue(board.stack.lan.dhcp().renewAt() > renewAt, "the next renewal is planned later");
            assertEquals(0, board.stack.agent.chipResets());
        }
    }

    @Test
    void withTimeOffTheMailGoesWithTheBoardsOwnClockOnceAddressedAndResolved() throws Exception {
        BoardConfig cfg = config(CONFIG.replace("ntp = from-dhcp", "ntp = off").replace("tls = starttls", "tls = none"));
        try (SimulatedBoard board = SimulatedBoard.start(cfg, greenMail.getSmtp().getPort(), dir.resolve("outbox"),
                Clock.SYSTEM, log, null, BoardStack.HEALTH_CHECK_NANOS, -3600)) {
            board.stack.bringUp();
            board.trip(0, true);
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), log.lines()::toString);
            assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
            long dateError = greenMail.getReceivedMessages()[0].getSentDate().getTime() - System.currentTimeMillis();
            assertTrue(Math.abs(dateError + 3_600_000L) < 60_000, "ntp = off: the board's own clock, " + dateError);
            assertFalse(board.stack.wallClock.known());
            assertEquals("the board's own clock (network time is off: [time] ntp = off)",
                    board.stack.status.model.clockSource(), "the status page does not promise network time");
        }
    }
}
