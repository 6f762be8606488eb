package dev.w5100alert.board.bench;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What durability costs: one alert accepted (record written and forced) and then marked delivered
 * (a second forced record), on the file system of the machine running it. On a Pi this is the SD
 * card's fsync latency; run it there before trusting the number.
 *
 * <pre>./bench board -f 1 -wi 2 -i 3 -w 1s -r 2s OutboxBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OutboxBenchmark {

    private Path dir;
    private Outbox outbox;
    private final Alert alert = new Alert(0, "door", 1_795_000_000_000L, "[alarm] door open",
            "The door is open (at 2026-11-22T22:17:04Z).\n", List.of("ops@example.org"), null, null);

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("outbox-bench");
        outbox = Outbox.open(dir, 100_000, new Backoff(1_000_000_000L, 60_000_000_000L, 1), 86_400_000L,
                (level, c, m) -> { });
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        outbox.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long acceptThenDeliver() throws IOException {
        if (outbox.offer(alert) != Outbox.Offer.ACCEPTED) {
            throw new IllegalStateException("not accepted");
        }
        long id = outbox.pendingAlerts().get(0).id();
        outbox.delivered(id);
        return id;
    }
}
