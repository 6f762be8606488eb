package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.board.testing.ScriptedSmtpServer;
import dev.w5100alert.board.testing.ScriptedSmtpServer.Behaviour;
import dev.w5100alert.hal.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure paths through the whole board stack on the simulated chip: a scripted SMTP server that
 * fails on purpose, and a chip that stops answering (simulator fault).
 */
class SimulatedDeliveryTest {

    static final String CONFIG = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [smtp]
            server = 192.168.1.10
            port = 25
            # a plain test server: this test is about delivery, not TLS (see TlsDeliveryTest)
            tls = none
            sender = alarm@example.org
            recipients = ops@example.org
            timeout = 10s
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

    static final long DEADLINE = 60_000_000_000L;

    @TempDir
    Path dir;

    final Log.Recording log = new Log.Recording();

    BoardConfig config() throws Exception {
        return new ConfigParser(k -> null).parse("t.conf", Arrays.asList(CONFIG.split("\n")), dir, null);
    }

    SimulatedBoard board(int port) throws Exception {
        SimulatedBoard b = SimulatedBoard.start(config(), port, dir.resolve("outbox"), Clock.SYSTEM, log, null,
                200_000_000L);
        b.stack.bringUp();
        return b;
    }

    @Test
    void aServerThatSays421IsRetriedWithBackoffAndTheAlertArrives() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.GREET_421, Behaviour.GREET_421);
             SimulatedBoard board = board(server.port())) {
            board.trip(0, true);
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), log.lines()::toString);
            assertEquals(List.of(Behaviour.GREET_421, Behaviour.GREET_421, Behaviour.ACCEPT), server.connections());
            assertEquals(1, server.received().size());
            assertTrue(server.received().get(0).contains("Subject: [alarm] door open"), server.received()::toString);
            assertTrue(log.contains("attempt 1: TRANSIENT_FAILURE"), log.lines()::toString);
            assertTrue(log.contains("421"), log.lines()::toString);
            assertTrue(log.contains("attempt 2"), log.lines()::toString);
            assertEquals(0, board.stack.outbox.pendingCount());
        }
    }

    @Test
    void aRecipientRefusedWith550IsAPermanentFailureRecordedAndNotRetried() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.RCPT_550);
             SimulatedBoard board = board(server.port())) {
            board.trip(0, true);
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), log.lines()::toString);
            assertEquals(1, server.connections().size(), "no retry after a permanent failure");
            assertEquals(1, board.stack.agent.failedCount());
            assertTrue(log.lines().stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("550")), log.lines()::toString);
            String failed = Files.readString(dir.resolve("outbox/failed.txt"));
            assertTrue(failed.contains("[alarm] door open") && failed.contains("550"), failed);
        }
    }

    @Test
    void parkingAHungSendClosesTheChipSocketAndTheSameEngineDeliversTheAlertNextTime() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.STALL_AFTER_DATA);
             SimulatedBoard board = board(server.port())) {
            board.trip(0, true);
            long until = System.nanoTime() + DEADLINE;
            while (server.stalled.getCount() > 0 && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            assertEquals(0, server.stalled.getCount(), log.lines()::toString);
            assertEquals(1, board.stack.driver.socketsInUse(), "the hung send holds a W5100 socket");
            Object engine = board.stack.transport.engine();

            board.stack.agent.finishOrPark(0); // what SIGTERM does once the grace time is over
            assertEquals(0, board.stack.driver.socketsInUse(), "abort frees the W5100 socket");
            assertSame(engine, board.stack.transport.engine(), "the engine and its buffers are kept");

            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), log.lines()::toString);
            assertEquals(List.of(Behaviour.STALL_AFTER_DATA, Behaviour.ACCEPT), server.connections());
            assertSame(engine, board.stack.transport.engine());
            assertEquals(0, board.stack.outbox.pendingCount());
        }
    }

    @Test
    void aChipThatStopsAnsweringIsResetThroughItsResetPinAndTheQueuedAlertIsDelivered() throws Exception {
        try (ScriptedSmtpServer server = new ScriptedSmtpServer();
             SimulatedBoard board = board(server.port())) {
            assertEquals(1, board.resetPulses(), "bring-up pulses /RESET once");
            board.sim.faults().misoStuckAt(0xFF); // chip "falls off the bus"
            board.trip(0, true);
            // Run until the loop has retried the reset at least once (a condition, not a fixed wait).
            long until = System.nanoTime() + DEADLINE;
            while (board.stack.agent.chipResets() < 2 && System.nanoTime() - until < 0) {
                if (board.stack.agent.doWork(System.nanoTime()) == 0) {
                    Clock.SYSTEM.idle();
                }
            }
            assertEquals(1, board.stack.outbox.pendingCount(), "alert stays queued while the chip is down");
            assertTrue(server.received().isEmpty());
            assertTrue(log.contains("network chip stopped answering"), log.lines()::toString);
            assertTrue(log.contains("MISO not connected"), log.lines()::toString);
            long resetsWhileDown = board.stack.agent.chipResets();
            assertTrue(resetsWhileDown >= 2, "reset retried while the chip is down: " + resetsWhileDown);

            board.sim.faults().clear(); // the chip answers again
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + DEADLINE), log.lines()::toString);
            assertEquals(1, server.received().size());
            assertTrue(log.contains("reset and configured again"), log.lines()::toString);
            assertEquals(1 + board.stack.agent.chipResets(), board.resetPulses(), "every recovery pulses the reset pin");
            assertEquals(0, board.stack.outbox.pendingCount());
        }
    }
}
