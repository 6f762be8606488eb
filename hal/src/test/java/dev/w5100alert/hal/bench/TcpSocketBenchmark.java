package dev.w5100alert.hal.bench;

import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.ConnectOutcome;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.hal.TcpSocket;
import dev.w5100alert.hal.W5100Driver;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Driver cost of one non-blocking send and one receive (frame building, status reads, pointer
 * bookkeeping) on a memory-only bus that always has room and data. Run with allocation profiling:
 * <pre>./bench hal TcpSocketBenchmark -f 1 -wi 3 -i 5 -prof gc</pre>
 * {@code gc.alloc.rate.norm} should be ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TcpSocketBenchmark {

    @Param({"64", "1024"})
    public int bytes;

    private TcpSocket socket;
    private byte[] out;
    private byte[] in;

    /** Registers and buffer memory only: Sn_CR reads 0, Sn_IR always shows SEND_OK, sizes fixed. */
    static final class MemoryBus implements SpiBus {
        final byte[] mem = new byte[0x10000];

        @Override
        public void transfer(byte[] mosi, byte[] miso, int offset, int frames) {
            for (int f = 0; f < frames; f++) {
                int i = offset + f * FRAME_BYTES;
                int addr = (mosi[i + 1] & 0xFF) << 8 | (mosi[i + 2] & 0xFF);
                if (mosi[i] == (byte) 0xF0) {
                    int low = addr & 0xFF;
                    boolean socketReg = addr >= 0x0400 && addr < 0x0800;
                    if (addr == 0) {
                        mem[0] = (byte) (mosi[i + 3] & 0x7F);
                    } else if (socketReg && low == 0x01) {
                        mem[addr] = 0;
                    } else if (!(socketReg && (low == 0x02 || low == 0x03 || low == 0x20 || low == 0x21
                            || low == 0x26 || low == 0x27))) {
                        mem[addr] = mosi[i + 3];
                    }
                    miso[i + 3] = 3;
                } else {
                    miso[i + 3] = mem[addr];
                }
            }
        }
    }

    @Setup
    public void setUp() {
        MemoryBus bus = new MemoryBus();
        bus.mem[0x17] = 0x07;
        bus.mem[0x18] = (byte) 0xD0;
        bus.mem[0x19] = 0x08;
        bus.mem[0x1A] = 0x55;
        bus.mem[0x1B] = 0x55;
        bus.mem[0x0403] = 0x13;
        W5100Driver driver = new W5100Driver(bus, ResetLine.NOT_WIRED, Clock.SYSTEM);
        driver.bringUp(NetworkConfig.of(0x02_00_00_00_00_01L, Ipv4.of(192, 168, 1, 2),
                Ipv4.of(255, 255, 255, 0), Ipv4.of(192, 168, 1, 1)));
        socket = driver.openTcp();
        bus.mem[0x0403] = 0x17;
        socket.connectStart(Ipv4.of(192, 168, 1, 10), 25, 1_000_000_000L);
        if (socket.connectPoll() != ConnectOutcome.CONNECTED) {
            throw new IllegalStateException("fake chip did not connect");
        }
        bus.mem[0x0402] = 0x10;
        bus.mem[0x0420] = 0x08;
        bus.mem[0x0426] = 0x04;
        out = new byte[bytes];
        in = new byte[bytes];
    }

    @Benchmark
    public int sendThenReceive() {
        return socket.send(out, 0, bytes) + socket.receive(in, 0, bytes);
    }
}
