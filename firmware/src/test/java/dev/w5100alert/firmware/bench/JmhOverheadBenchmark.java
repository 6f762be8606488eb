package dev.w5100alert.firmware.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Control for {@link AlertBenchmark}'s gc.alloc.rate.norm: an operation that allocates nothing and only
 * waits, at the alert rates measured there. Whatever -prof gc reports here is JMH's own cost per
 * iteration divided by the ops of that iteration.
 *
 * <pre>./bench firmware JmhOverheadBenchmark -f 1 -wi 1 -i 3 -w 2s -r 3s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JmhOverheadBenchmark {

    @Param({"1200", "22"})
    public int opsPerSecond;

    @Benchmark
    public void idleOperation() {
        LockSupport.parkNanos(1_000_000_000L / opsPerSecond);
    }
}
