package dev.w5100alert.board.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts that can never be sent (stored by an older configuration, or by a bug): the service must move
 * each to failed.txt with its reason, deliver the good alerts queued behind them, and keep running.
 * Before the fix the first of these threw out of the loop on every start (exit 70 in a restart loop).
 */
class PoisonAlertTest {

    @TempDir
    Path dir;

    final Log.Recording log = new Log.Recording();

    @Test
    void unsendableStoredAlertsGoToFailedTxtAndTheGoodOnesBehindThemAreDelivered() throws Exception {
        BoardConfig cfg = new ConfigParser(k -> null).parse("t.conf",
                Arrays.asList(SimulatedDeliveryTest.CONFIG.split("\n")), dir, null);
        Path outboxDir = dir.resolve("outbox");
        List<String> to = List.of("ops@example.org");
        try (Outbox o = Outbox.open(outboxDir, 100, new Backoff(1, 2, 1), 86_400_000L, log)) {
            o.offer(new Alert(0, "door", 0, "x".repeat(300), "long subject", to, null, null));
            o.offer(new Alert(0, "door", 0, "ok subject", "y".repeat(17 * 1024), to, null, null));
            o.offer(new Alert(0, "door", 0, "door open\nBcc: evil@example.org", "line break", to, null, null));
            o.offer(new Alert(0, "door", 0, "[alarm] door open", "the good one", to, null, null));
            assertEquals(4, o.pendingCount());
        }
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        gm.start();
        try (SimulatedBoard board = SimulatedBoard.start(cfg, gm.getSmtp().getPort(), outboxDir, Clock.SYSTEM, log,
                null, 200_000_000L)) {
            board.stack.bringUp();
            assertTrue(board.stack.agent.runUntilIdle(System.nanoTime() + 30_000_000_000L), log.lines()::toString);
            assertEquals(1, gm.getReceivedMessages().length);
            assertEquals("[alarm] door open", gm.getReceivedMessages()[0].getSubject());
            assertEquals(3, board.stack.agent.failedCount());
            assertEquals(0, board.stack.agent.faultCount(), log.lines()::toString);
            assertEquals(0, board.stack.outbox.pendingCount());
            String failed = Files.readString(outboxDir.resolve("failed.txt"));
            assertEquals(3, failed.split("cannot be sent", -1).length - 1, failed);
            assertEquals(3, log.lines().stream().filter(l -> l.startsWith("ERROR") && l.contains("cannot be sent"))
                    .count(), log.lines()::toString);
            assertTrue(failed.contains("the subject is 300 bytes; at most 256"), failed);
            assertTrue(failed.contains("the body is 17408 bytes; at most 16384"), failed);
            assertTrue(failed.contains("CR or LF in the subject"), failed);
        } finally {
            gm.stop();
        }
        // A restart finds nothing left to choke on.
        try (Outbox o = Outbox.open(outboxDir, 100, new Backoff(1, 2, 1), 86_400_000L, log)) {
            assertEquals(0, o.pendingCount());
        }
    }
}
