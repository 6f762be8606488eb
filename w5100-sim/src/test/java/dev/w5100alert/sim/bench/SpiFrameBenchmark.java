package dev.w5100alert.sim.bench;

import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Raw register frames through {@link W5100Simulator#transfer}: throughput in frames per second (one
 * op = one 4-byte frame). The issue asks for at least 5 million frames/s on one core.
 *
 * <ul>
 *   <li>{@code writeReadFrames}: a batch of 64 frames alternating writes and reads of configuration
 *       registers (GAR, SIPR, Sn_DIPR, Sn_PORT) and TX memory, as a driver's setup and copy loops do.</li>
 *   <li>{@code singleFrame}: one frame per transfer call (the worst case for call overhead).</li>
 *   <li>{@code statusPoll}: reads of Sn_SR of a closed socket (a live register: clock read, no I/O).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpiFrameBenchmark {
    private static final int BATCH = 64;
    private W5100Simulator sim;
    private final byte[] mosi = new byte[BATCH * 4];
    private final byte[] miso = new byte[BATCH * 4];
    private final byte[] one = new byte[4];
    private final byte[] oneIn = new byte[4];
    private final byte[] status = new byte[BATCH * 4];
    private long fakeTime;

    @Setup(Level.Trial)
    public void setUp() {
        sim = new W5100Simulator(VirtualNetwork.EMPTY, () -> fakeTime++);
        int[] addresses = {0x0001, 0x000F, 0x040C, 0x0404, 0x050D, 0x0612, 0x4000, 0x4123};
        for (int i = 0; i < BATCH; i++) {
            int a = addresses[i % addresses.length] + (i / addresses.length) % 2;
            mosi[4 * i] = (byte) (i % 2 == 0 ? 0xF0 : 0x0F);
            mosi[4 * i + 1] = (byte) (a >>> 8);
            mosi[4 * i + 2] = (byte) a;
            mosi[4 * i + 3] = (byte) i;
            status[4 * i] = 0x0F;
            status[4 * i + 1] = 0x04;
            status[4 * i + 2] = 0x03;
        }
        one[0] = (byte) 0xF0;
        one[1] = 0x00;
        one[2] = 0x0F;
        one[3] = (byte) 192;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sim.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte writeReadFrames() {
        sim.transfer(mosi, miso, 0, BATCH);
        return miso[7];
    }

    @Benchmark
    public byte singleFrame() {
        sim.transfer(one, oneIn, 0, 1);
        return oneIn[3];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte statusPoll() {
        sim.transfer(status, miso, 0, BATCH);
        return miso[3];
    }
}
