package dev.w5100alert.board.outbox;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.Clock;
import java.nio.file.Path;

/**
 * The child JVM of {@link KillMidSendTest}: a whole simulated board.
 * <ul>
 *   <li>{@code produce CONFIG OUTBOX PORT N}: stores N alerts (printing {@code ACCEPTED subject} only
 *   after each is forced to disk), then sends until killed (at most 120 s).</li>
 *   <li>{@code produce CONFIG OUTBOX PORT N GRACE_MS}: the same, but then runs as the service until SIGTERM.</li>
 *   <li>{@code drain CONFIG OUTBOX PORT}: sends what the outbox holds, prints {@code DRAINED} and exits 0.</li>
 * </ul>
 */
public final class KillChild {
    private KillChild() { }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        BoardConfig cfg = new ConfigParser(k -> null).parse(Path.of(args[1]));
        int port = Integer.parseInt(args[3]);
        Log log = Log.to(System.err, true);
        try (SimulatedBoard board = SimulatedBoard.start(cfg, port, Path.of(args[2]), Clock.SYSTEM, log, null,
                200_000_000L)) {
            board.stack.bringUp();
            if (mode.equals("produce")) {
                int n = Integer.parseInt(args[4]);
                for (int i = 1; i <= n; i++) {
                    Alert a = new Alert(0, "door", System.currentTimeMillis(), "kill-test #" + i, "body of alert " + i,
                            cfg.smtp().recipients(), null, null);
                    if (board.stack.outbox.offer(a) == Outbox.Offer.ACCEPTED) {
                        System.out.println("ACCEPTED kill-test #" + i);
                        System.out.flush();
                    }
                }
                if (args.length > 5) { // "produce ... N GRACE_MS": run as the service until SIGTERM
                    dev.w5100alert.board.loop.ServiceLoop.runUntilShutdown(board.stack.agent,
                            Long.parseLong(args[5]) * 1_000_000L, log);
                    return;
                }
                board.stack.agent.runUntilIdle(System.nanoTime() + 120_000_000_000L);
                System.exit(3); // the parent should have killed us long before
            }
            boolean idle = board.stack.agent.runUntilIdle(System.nanoTime() + 90_000_000_000L);
            System.out.println(idle ? "DRAINED" : "NOT DRAINED");
            System.out.flush();
            System.exit(idle ? 0 : 1);
        }
    }
}
