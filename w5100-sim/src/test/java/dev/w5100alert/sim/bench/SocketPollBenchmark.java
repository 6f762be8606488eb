package dev.w5100alert.sim.bench;

import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 * What a status poll costs when the socket is bridged to a live loopback connection: reading Sn_SR
 * of an ESTABLISHED socket makes the model poll its real channel (one non-blocking read). Compare with
 * {@link SpiFrameBenchmark#statusPoll} (closed socket, no I/O). Informational, not a requirement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SocketPollBenchmark {
    private W5100Simulator sim;
    private ServerSocketChannel server;
    private SocketChannel peer;
    private final byte[] frame = {0x0F, 0x04, 0x03, 0x00};
    private final byte[] miso = new byte[4];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(VirtualNetwork.LOOPBACK, 0));
        VirtualNetwork net = VirtualNetwork.builder().host("192.168.1.10").tcp(25, server.socket().getLocalPort()).build();
        sim = new W5100Simulator(net, System::nanoTime);
        write(0x0005, 255);
        write(0x0006, 255);
        write(0x0007, 255);
        write(0x000F, 192);
        write(0x0010, 168);
        write(0x0011, 1);
        write(0x0012, 50);
        write(0x0400, 0x01);
        write(0x0401, 0x01);
        write(0x040C, 192);
        write(0x040D, 168);
        write(0x040E, 1);
        write(0x040F, 10);
        write(0x0411, 25);
        write(0x0401, 0x04);
        peer = server.accept();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (statusPoll() != 0x17) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never ESTABLISHED");
            }
        }
    }

    private void write(int address, int value) {
        byte[] f = {(byte) 0xF0, (byte) (address >>> 8), (byte) address, (byte) value};
        sim.transfer(f, new byte[4], 0, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sim.close();
        peer.close();
        server.close();
    }

    @Benchmark
    public int statusPoll() {
        sim.transfer(frame, miso, 0, 1);
        return miso[3];
    }
}
