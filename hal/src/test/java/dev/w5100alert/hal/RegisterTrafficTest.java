package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact register traffic of the driver, frame by frame, on a recording bus (order matters for hardware). */
class RegisterTrafficTest {

    static final NetworkConfig CONFIG = NetworkConfig.of(0x02_00_00_00_00_01L,
            Ipv4.of(192, 168, 1, 10), Ipv4.of(255, 255, 255, 0), Ipv4.of(192, 168, 1, 1));
    static final int PEER = Ipv4.of(192, 168, 1, 20);

    final FakeChip chip = FakeChip.afterReset();
    final ManualClock clock = new ManualClock(100_000L);
    final W5100Driver driver = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);

    static List<String> configTraffic() {
        return List.of("W 0000 00",
                "W 0001 C0", "W 0002 A8", "W 0003 01", "W 0004 01",
                "W 0005 FF", "W 0006 FF", "W 0007 FF", "W 0008 00",
                "W 0009 02", "W 000A 00", "W 000B 00", "W 000C 00", "W 000D 00", "W 000E 01",
                "W 000F C0", "W 0010 A8", "W 0011 01", "W 0012 0A",
                "W 0017 07", "W 0018 D0", "W 0019 08", "W 001A 55", "W 001B 55");
    }

    @Test
    void bringUpSoftResetsPollsMrDetectsAndConfigures() {
        chip.script(0x0000, 0x80, 0x00); // RST still set on the first poll
        driver.bringUp(CONFIG);

        List<String> expected = new ArrayList<>(List.of(
                "W 0000 80",
                "R 0000=80",
                "R 0000=00",
                "R 0000=00", "R 0017=07", "R 0018=D0", "R 0019=08", "R 001A=55", "R 001B=55",
                "W 0001 A5", "W 0002 5A", "W 0003 01", "W 0004 80",
                "R 0001=A5", "R 0002=5A", "R 0003=01", "R 0004=80"));
        expected.addAll(configTraffic());
        assertEquals(expected, chip.takeLog());
        assertEquals(6, chip.transfers, "reset, 2 polls, detection reads, read-back, config");
        assertEquals(1, clock.idles, "one idle between the two MR polls");
    }

    @Test
    void wiredResetLineIsPulsedAndSettledBeforeTheFirstFrame() {
        List<String> events = new ArrayList<>();
        ResetLine line = asserted -> {
            events.add((asserted ? "low@" : "high@") + clock.now);
            chip.log.add(asserted ? "RESET low" : "RESET high");
        };
        long start = clock.now;
        new W5100Driver(chip, line, clock).bringUp(CONFIG);
        List<String> log = chip.takeLog();
        assertEquals(List.of("RESET low", "RESET high", "W 0000 80"), log.subList(0, 3));
        long low = Long.parseLong(events.get(0).substring(4));
        long high = Long.parseLong(events.get(1).substring(5));
        assertEquals(start, low);
        assertTrue(high - low >= W5100Driver.RESET_PULSE_NANOS, "pulse long enough: " + (high - low));
        assertTrue(clock.now - high >= W5100Driver.RESET_SETTLE_NANOS, "PLL settle time respected");
    }

    private TcpSocket openTcp() {
        driver.bringUp(CONFIG);
        chip.takeLog();
        chip.script(0x0403, 0x13);
        return driver.openTcp();
    }

    @Test
    void openTcpClosesSetsModeAndEphemeralPortThenOpens() {
        TcpSocket s = openTcp();
        assertEquals(List.of(
                "W 0401 10", "R 0401=00",
                "W 0402 FF", "W 0400 01", "W 0404 C0", "W 0405 00", "W 0401 01", "R 0401=00",
                "R 0403=13"), chip.takeLog());
        assertEquals(0, s.socketNumber());
        assertEquals(49152, s.localPort());
        assertEquals(1, driver.socketsInUse());
    }

    private TcpSocket connected(int txWr, int rxRd) {
        TcpSocket s = openTcp();
        chip.set16(0x0424, txWr);
        chip.set16(0x0428, rxRd);
        chip.mem[0x0403] = 0x17;
        chip.script(0x0403, 0x15, 0x17);
        s.connectStart(PEER, 25, 5_000_000_000L);
        assertEquals(ConnectOutcome.IN_PROGRESS, s.connectPoll());
        assertEquals(ConnectOutcome.CONNECTED, s.connectPoll());
        return s;
    }

    @Test
    void connectWritesDestinationIssuesConnectAndLoadsPointersOnceEstablished() {
        TcpSocket s = connected(0x1234, 0x5678);
        List<String> log = chip.takeLog();
        assertEquals(List.of(
                "W 0401 10", "R 0401=00",
                "W 0402 FF", "W 0400 01", "W 0404 C0", "W 0405 00", "W 0401 01", "R 0401=00", "R 0403=13",
                "W 040C C0", "W 040D A8", "W 040E 01", "W 040F 14", "W 0410 00", "W 0411 19",
                "W 0401 04", "R 0401=00",
                "R 0402=00", "R 0403=15",
                "R 0402=00", "R 0403=17", "W 0402 01", "R 0424=12", "R 0425=34", "R 0428=56", "R 0429=78"), log);
        assertEquals(0x1234, s.txWr);
        assertEquals(0x5678, s.rxRd);
    }

    @Test
    void sendSplitsTheCopyAtTheBufferEndAndIssuesOneSend() {
        TcpSocket s = connected(0x07FE, 0);
        chip.set16(0x0420, 0x0800);
        chip.takeLog();
        int before = chip.transfers;
        assertEquals(4, s.send(new byte[] {1, 2, 3, 4}, 0, 4));
        assertEquals(List.of(
                "R 0402=00", "R 0420=08", "R 0421=00", "R 0420=08", "R 0421=00",
                "W 47FE 01", "W 47FF 02", "W 4000 03", "W 4001 04",
                "W 0424 08", "W 0425 02", "W 0401 20", "R 0401=00"), chip.takeLog());
        assertEquals(2, chip.transfers - before, "status reads, then data + pointer + SEND in one transfer");

        // no SEND_OK yet: nothing more is taken, and it costs one frame (the free size is not needed)
        assertEquals(0, s.send(new byte[] {5}, 0, 1));
        assertEquals(List.of("R 0402=00"), chip.takeLog());

        // SEND_OK: cleared before the free size is read and the next SEND is issued
        chip.mem[0x0402] = 0x10;
        assertEquals(1, s.send(new byte[] {5}, 0, 1));
        assertEquals(List.of(
                "R 0402=10", "W 0402 10", "R 0420=08", "R 0421=00", "R 0420=08", "R 0421=00",
                "W 4002 05", "W 0424 08", "W 0425 03", "W 0401 20", "R 0401=00"), chip.takeLog());
    }

    @Test
    void sendTakesOnlyWhatFitsAndRereadsAnUnstableFreeSize() {
        TcpSocket s = connected(0, 0);
        chip.script16(0x0420, 0x00FF, 0x0100, 0x0002, 0x0002);
        chip.takeLog();
        assertEquals(2, s.send(new byte[16], 0, 16));
        List<String> log = chip.takeLog();
        assertEquals(List.of("R 0402=00", "R 0420=00", "R 0421=FF", "R 0420=01", "R 0421=00",
                "R 0420=00", "R 0421=02", "R 0420=00", "R 0421=02"), log.subList(0, 9));
    }

    @Test
    void freeSizeThatNeverReadsTheSameTwiceIsReadABoundedNumberOfTimesAndTheSmallerValueUsed() {
        TcpSocket s = connected(0, 0);
        // every read differs from the one before; the fifth pair is (0x0007, 0x0009)
        chip.script16(0x0420, 0x0100, 0x0200, 0x0101, 0x0201, 0x0102, 0x0202, 0x0103, 0x0203, 0x0007, 0x0009);
        chip.takeLog();
        assertEquals(7, s.send(new byte[16], 0, 16), "the smaller of the last pair: the safe side");
        long fsrReads = chip.takeLog().stream().filter(l -> l.startsWith("R 0420") || l.startsWith("R 0421")).count();
        assertEquals(2 * 2 * (1 + W5100Driver.STABLE_READ_TRIES), fsrReads, "bounded rereads");
    }

    @Test
    void receiveSplitsTheCopyAtTheBufferEndAndIssuesRecv() {
        TcpSocket s = connected(0, 0x07FD);
        chip.set16(0x0426, 5);
        byte[] data = {10, 11, 12, 13, 14};
        chip.mem[0x67FD] = 10;
        chip.mem[0x67FE] = 11;
        chip.mem[0x67FF] = 12;
        chip.mem[0x6000] = 13;
        chip.mem[0x6001] = 14;
        chip.takeLog();
        int before = chip.transfers;
        byte[] buf = new byte[16];
        assertEquals(5, s.receive(buf, 0, 16));
        assertArrayEquals(data, java.util.Arrays.copyOf(buf, 5));
        assertEquals(List.of(
                "R 0403=17", "R 0426=00", "R 0427=05", "R 0426=00", "R 0427=05",
                "R 67FD=0A", "R 67FE=0B", "R 67FF=0C", "R 6000=0D", "R 6001=0E",
                "W 0428 08", "W 0429 02", "W 0401 40", "R 0401=00"), chip.takeLog());
        assertEquals(3, chip.transfers - before,
                "status and size, the size confirmed only because it is not 0, then data + pointer + RECV in one transfer");
    }

    @Test
    void anIdleReceivePollCostsThreeFramesInOneTransfer() {
        TcpSocket s = connected(0, 0);
        chip.takeLog();
        int before = chip.transfers;
        assertEquals(0, s.receive(new byte[8], 0, 8));
        assertEquals(List.of("R 0403=17", "R 0426=00", "R 0427=00"), chip.takeLog());
        assertEquals(1, chip.transfers - before);
    }

    @Test
    void aZeroSizeIsConfirmedBeforeItEndsTheStream() {
        TcpSocket s = connected(0, 0);
        chip.mem[0x0403] = 0x1C; // CLOSE_WAIT
        chip.script16(0x0426, 0, 3, 3, 3);
        chip.takeLog();
        byte[] buf = new byte[8];
        assertEquals(3, s.receive(buf, 0, 8), "a torn first read of 0 must not lose the last bytes");
        assertEquals(List.of("R 0403=1C", "R 0426=00", "R 0427=00", "R 0426=00", "R 0427=03",
                "R 0426=00", "R 0427=03", "R 0426=00", "R 0427=03"), chip.takeLog().subList(0, 9));
    }

    @Test
    void receiveReportsEndOfStreamOnlyWhenPeerClosedAndNothingIsLeft() {
        TcpSocket s = connected(0, 0);
        chip.mem[0x0403] = 0x1C; // CLOSE_WAIT
        chip.set16(0x0426, 1);
        byte[] buf = new byte[4];
        assertEquals(1, s.receive(buf, 0, 4));
        chip.set16(0x0426, 0);
        assertEquals(TcpSocket.EOF, s.receive(buf, 0, 4));
        assertTrue(s.peerClosed());
    }

    @Test
    void gracefulCloseSendsDisconWaitsForClosedThenCloses() {
        TcpSocket s = connected(0, 0);
        chip.script(0x0403, 0x18, 0x00);
        chip.takeLog();
        assertTrue(s.close(1_000_000_000L));
        assertEquals(List.of(
                "W 0401 08", "R 0401=00",
                "R 0403=18", "R 0403=00",
                "W 0401 10", "R 0401=00", "W 0402 FF"), chip.takeLog());
        assertEquals(0, driver.socketsInUse());
        assertEquals(SocketFailure.NONE, s.failure());
    }

    @Test
    void closeGivesUpWaitingForFinAfterItsDeadlineAndStillCloses() {
        TcpSocket s = connected(0, 0);
        chip.mem[0x0403] = 0x18; // FIN_WAIT forever
        long start = clock.now;
        assertEquals(false, s.close(20_000_000L));
        assertTrue(clock.now - start <= 20_000_000L + clock.step, "bounded by the close deadline");
        List<String> log = chip.takeLog();
        assertEquals(List.of("W 0401 10", "R 0401=00", "W 0402 FF"), log.subList(log.size() - 3, log.size()));
        assertEquals(0, driver.socketsInUse());
    }

    @Test
    void udpReceiveParsesTheHeaderAcrossTheWrap() {
        driver.bringUp(CONFIG);
        chip.script(0x0403, 0x22);
        chip.set16(0x0428, 0x07FC);
        UdpSocket u = driver.openUdp(5000);
        byte[] header = {(byte) 192, (byte) 168, 1, 20, 0x12, 0x34, 0, 3};
        for (int i = 0; i < 8; i++) {
            chip.mem[0x6000 + ((0x07FC + i) & 0x7FF)] = header[i];
        }
        chip.mem[0x6004] = 'a';
        chip.mem[0x6005] = 'b';
        chip.mem[0x6006] = 'c';
        chip.set16(0x0426, 11);
        chip.takeLog();
        byte[] buf = new byte[8];
        assertEquals(3, u.receive(buf, 0, 8));
        assertEquals("abc", new String(buf, 0, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(PEER, u.sourceIp());
        assertEquals(0x1234, u.sourcePort());
        assertEquals(3, u.datagramLength());
        List<String> log = chip.takeLog();
        assertEquals(List.of("W 0428 08", "W 0429 07", "W 0401 40", "R 0401=00"), log.subList(log.size() - 4, log.size()));
        assertEquals("R 67FC=C0", log.get(4));
        assertEquals("R 6000=12", log.get(8));
    }

    @Test
    void udpSendWritesDestinationOnceAndWaitsForSendOk() {
        driver.bringUp(CONFIG);
        chip.script(0x0403, 0x22);
        UdpSocket u = driver.openUdp(0);
        chip.script(0x0402, 0x00, 0x10, 0x00, 0x10);
        chip.takeLog();
        assertEquals(2, u.sendTo(PEER, 7, new byte[] {'h', 'i'}, 0, 2));
        assertEquals(List.of(
                "W 040C C0", "W 040D A8", "W 040E 01", "W 040F 14", "W 0410 00", "W 0411 07",
                "W 4000 68", "W 4001 69", "W 0424 00", "W 0425 02", "W 0401 20", "R 0401=00",
                "R 0402=00", "R 0402=10", "W 0402 10"), chip.takeLog());
        assertEquals(2, u.sendTo(PEER, 7, new byte[] {'h', 'i'}, 0, 2));
        assertEquals("W 4002 68", chip.takeLog().get(0), "same destination is not rewritten");
    }

    @Test
    void listenOpensOnTheGivenPortAndReadsTheClientOnceEstablished() {
        driver.bringUp(CONFIG);
        chip.script(0x0403, 0x13, 0x14, 0x14, 0x17);
        chip.mem[0x0403] = 0x17;
        chip.takeLog();
        TcpSocket s = driver.listenTcp(25);
        assertEquals(List.of(
                "W 0401 10", "R 0401=00",
                "W 0402 FF", "W 0400 01", "W 0404 00", "W 0405 19", "W 0401 01", "R 0401=00", "R 0403=13",
                "W 0401 02", "R 0401=00", "R 0403=14"), chip.takeLog());
        assertEquals(ConnectOutcome.IN_PROGRESS, s.acceptPoll());
        for (int k = 0; k < 4; k++) {
            chip.mem[0x040C + k] = (byte) (PEER >>> (24 - 8 * k));
        }
        chip.set16(0x0410, 40000);
        assertEquals(ConnectOutcome.CONNECTED, s.acceptPoll());
        assertEquals(PEER, s.remoteIp());
        assertEquals(40000, s.remotePort());
        List<String> log = chip.takeLog();
        assertEquals(List.of("R 0403=14", "R 0403=17", "W 0402 01",
                "R 040C=C0", "R 040D=A8", "R 040E=01", "R 040F=14", "R 0410=9C", "R 0411=40",
                "R 0424=00", "R 0425=00", "R 0428=00", "R 0429=00"), log);
    }
}
