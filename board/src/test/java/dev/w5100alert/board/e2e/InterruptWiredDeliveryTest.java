package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.board.testing.ScriptedSmtpServer;
import dev.w5100alert.board.testing.ScriptedSmtpServer.Behaviour;
import dev.w5100alert.hal.SystemClock;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hardware.int-pin on the simulated board: the driver enables IMR for its socket, the loop's wait samples the
 * model's /INT, and an alert (with a 421 retry in between) still arrives, woken by the chip's edges.
 */
class InterruptWiredDeliveryTest {

    @TempDir
    Path dir;

    final Log.Recording log = new Log.Recording();

    @Test
    void anAlertArrivesWithTheLoopWaitingOnTheSimulatedInterruptLine() throws Exception {
        String conf = SimulatedDeliveryTest.CONFIG.replace("[smtp]", "[hardware]\nint-pin = 24\n[smtp]");
        BoardConfig cfg = new ConfigParser(k -> null).parse("t.conf", Arrays.asList(conf.split("\n")), dir, null);
        assertEquals(24, cfg.hardware().intPin());
        SystemClock clock = new SystemClock();
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(Behaviour.GREET_421);
             SimulatedBoard board = SimulatedBoard.start(cfg, server.port(), dir.resolve("outbox"), clock, log, null,
                     200_000_000L)) {
            board.stack.bringUp();
            assertTrue(board.stack.driver.interruptsWired());
            board.trip(0, true);
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + SimulatedDeliveryTest.DEADLINE),
                    log.lines()::toString);
            assertEquals(List.of(Behaviour.GREET_421, Behaviour.ACCEPT), server.connections());
            assertEquals(1, server.received().size());
            assertTrue(board.sim.counters().interruptEdges() > 0, "the chip pulled /INT: " + board.sim.counters());
            assertTrue(clock.strategy().wakeUps() > 0, "and the wait woke on it");
            assertEquals(0, board.stack.driver.interruptMask(), "no socket in use any more: IMR is 0 again");
        }
    }
}
