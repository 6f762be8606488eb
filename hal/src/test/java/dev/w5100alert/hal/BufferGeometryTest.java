package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every socket of every TMSR/RMSR code wraps its copies at its own buffer: a send and a receive that
 * cross the end of the socket's buffer touch exactly base+size-2, base+size-1, base, base+1, where
 * base and size are worked out here from the datasheet rule (base = region start + sizes of the
 * sockets before it), not taken from the driver. TX and RX codes differ in each case, so a driver
 * that used one direction's geometry for the other fails too.
 */
class BufferGeometryTest {

    static IntStream codes() {
        return IntStream.range(0, 256);
    }

    /** Datasheet rule: 1 KB << the socket's 2-bit code; 0 when the 8 KB run out before it. */
    static int size(int code, int socket) {
        int offset = 0;
        for (int s = 0; s < socket; s++) {
            offset += 1024 << ((code >>> (2 * s)) & 3);
        }
        int size = 1024 << ((code >>> (2 * socket)) & 3);
        return offset + size <= 8192 ? size : 0;
    }

    static int offset(int code, int socket) {
        int offset = 0;
        for (int s = 0; s < socket; s++) {
            offset += 1024 << ((code >>> (2 * s)) & 3);
        }
        return offset;
    }

    @ParameterizedTest(name = "TMSR {0}")
    @MethodSource("codes")
    void eachSocketWrapsItsCopiesAtItsOwnBufferEnd(int txCode) {
        int rxCode = 255 - txCode; // a different geometry for RX
        FakeChip chip = FakeChip.afterReset();
        chip.recording = false;
        ManualClock clock = new ManualClock(100_000L);
        W5100Driver driver = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        driver.bringUp(RegisterTrafficTest.CONFIG.withMemory(new MemorySplit(txCode, rxCode)));
        for (int n = 0; n < 4 && size(txCode, n) > 0 && size(rxCode, n) > 0; n++) {
            int sr = 0x0403 + n * 0x100;
            chip.mem[sr] = 0x13;
            TcpSocket s = driver.openTcp();
            String where = "socket " + n + ", TMSR " + txCode + ", RMSR " + rxCode;
            assertEquals(n, s.socketNumber(), where);
            int txSize = size(txCode, n);
            int rxSize = size(rxCode, n);
            int txBase = 0x4000 + offset(txCode, n);
            int rxBase = 0x6000 + offset(rxCode, n);
            int reg = 0x0400 + n * 0x100;
            chip.set16(reg + 0x24, 0xFFFE);              // TX_WR: offset size-2, and the 16-bit counter wraps too
            chip.set16(reg + 0x28, 0x4000 + rxSize - 2); // RX_RD: offset size-2
            chip.mem[sr] = 0x17;
            s.connectStart(RegisterTrafficTest.PEER, 25, 1_000_000_000L);
            assertEquals(ConnectOutcome.CONNECTED, s.connectPoll(), where);

            java.util.Arrays.fill(chip.mem, 0x4000, 0x6000, (byte) 0);
            chip.set16(reg + 0x20, txSize);
            assertEquals(4, s.send(new byte[] {1, 2, 3, 4}, 0, 4), where);
            byte[] tx = new byte[8192];
            tx[txBase - 0x4000 + txSize - 2] = 1;
            tx[txBase - 0x4000 + txSize - 1] = 2;
            tx[txBase - 0x4000] = 3;
            tx[txBase - 0x4000 + 1] = 4;
            assertArrayEquals(tx, java.util.Arrays.copyOfRange(chip.mem, 0x4000, 0x6000), where);

            java.util.Arrays.fill(chip.mem, 0x6000, 0x8000, (byte) 0x77);
            chip.mem[rxBase + rxSize - 2] = 11;
            chip.mem[rxBase + rxSize - 1] = 12;
            chip.mem[rxBase] = 13;
            chip.mem[rxBase + 1] = 14;
            chip.set16(reg + 0x26, 4);
            byte[] got = new byte[4];
            assertEquals(4, s.receive(got, 0, 4), where);
            assertArrayEquals(new byte[] {11, 12, 13, 14}, got, where);
            chip.set16(reg + 0x26, 0);
        }
    }
}
