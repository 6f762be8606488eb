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
 *   <li>{@code loop CONFIG OUTBOX PORT FIRST N}: the service loop with alerts {@code kill-loop #FIRST..} raised
 *   every 30 ms from inside it (printing {@code ACCEPTED subject} after each is forced), compacting often,
 *   until killed (at most 60 s).</li>
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
            if (mode.equals("loop")) {
                loop(board, cfg, Integer.parseInt(args[4]), Integer.parseInt(args[5]));
                return;
            }
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

    private static void loop(SimulatedBoard board, BoardConfig cfg, int first, int n) throws InterruptedException {
        board.stack.outbox.compactAt(1024, 0); // compaction after most deliveries: kills land in it too
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + 60_000_000_000L;
        long nextAlert = System.nanoTime();
        int k = first;
        while (System.nanoTime() - deadline < 0) {
            long now = System.nanoTime();
            if (k < first + n && now - nextAlert >= 0) {
                Alert a = new Alert(0, "door", System.currentTimeMillis(), "kill-loop #" + k, "body of alert " + k,
                        cfg.smtp().recipients(), null, null);
                if (board.stack.outbox.offer(a) == Outbox.Offer.ACCEPTED) {
                    System.out.println("ACCEPTED kill-loop #" + k);
                    System.out.flush();
                }
                k++;
                nextAlert = now + 30_000_000L;
            }
            if (board.stack.agent.doWork(now) == 0) {
                Thread.sleep(1);
            }
        }
        System.exit(3); // the parent should have killed us long before
    }
}
