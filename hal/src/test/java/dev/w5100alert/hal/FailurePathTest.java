package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a bring-up or a connection can end badly ends bounded, classified and with the socket CLOSED. */
class FailurePathTest {

    final ManualClock clock = new ManualClock(100_000L);

    private static SpiBus constant(int value) {
        return (mosi, miso, offset, frames) -> {
            for (int i = offset; i < offset + frames * SpiBus.FRAME_BYTES; i++) {
                miso[i] = (byte) value;
            }
        };
    }

    private ChipDetectionException.Diagnosis diagnose(SpiBus bus) {
        W5100Driver d = new W5100Driver(bus, ResetLine.NOT_WIRED, clock);
        long start = clock.now;
        ChipDetectionException e = assertThrows(ChipDetectionException.class, () -> d.bringUp(RegisterTrafficTest.CONFIG));
        assertTrue(clock.now - start <= W5100Driver.RESET_TIMEOUT_NANOS + clock.step, "bounded bring-up");
        assertTrue(e.getMessage().contains(e.diagnosis().advice()), e.getMessage());
        return e.diagnosis();
    }

    @Test
    void allOnesMeansMisoNotConnected() {
        assertEquals(ChipDetectionException.Diagnosis.MISO_NOT_CONNECTED, diagnose(constant(0xFF)));
    }

    @Test
    void allZerosIsReportedAsSuch() {
        assertEquals(ChipDetectionException.Diagnosis.ALL_ZERO, diagnose(constant(0x00)));
    }

    @Test
    void resetBitThatNeverClearsIsReportedAsStuckReset() {
        FakeChip chip = FakeChip.afterReset();
        int[] always80 = new int[100_000];
        java.util.Arrays.fill(always80, 0x80);
        chip.script(0x0000, always80);
        assertEquals(ChipDetectionException.Diagnosis.RESET_STUCK, diagnose(chip));
    }

    @Test
    void wrongResetValuesAreReported() {
        FakeChip chip = FakeChip.afterReset();
        chip.set16(0x0017, 0x0000);
        assertEquals(ChipDetectionException.Diagnosis.WRONG_RESET_VALUES, diagnose(chip));
    }

    @Test
    void corruptedWritesAreReportedAsReadBackMismatch() {
        FakeChip chip = FakeChip.afterReset();
        SpiBus shifted = (mosi, miso, offset, frames) -> {
            byte[] copy = mosi.clone();
            for (int f = 0; f < frames; f++) {
                int i = offset + f * SpiBus.FRAME_BYTES;
                if ((copy[i] & 0xFF) == 0xF0 && copy[i + 1] == 0 && copy[i + 2] >= 1 && copy[i + 2] <= 4) {
                    copy[i + 3] = (byte) ((copy[i + 3] & 0xFF) >>> 1); // GAR writes: a bit sampled on the wrong edge
                }
            }
            chip.transfer(copy, miso, offset, frames);
        };
        assertEquals(ChipDetectionException.Diagnosis.READBACK_MISMATCH, diagnose(shifted));
    }

    private final FakeChip chip = FakeChip.afterReset();

    private W5100Driver d;

    private TcpSocket connecting(int... srSequence) {
        d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        chip.script(0x0403, 0x13);
        TcpSocket s = d.openTcp();
        chip.script(0x0403, srSequence);
        s.connectStart(RegisterTrafficTest.PEER, 25, 5_000_000_000L);
        chip.takeLog();
        return s;
    }

    private ConnectOutcome pollToEnd(TcpSocket s) {
        for (int i = 0; i < 1_000_000; i++) {
            ConnectOutcome o = s.connectPoll();
            if (o.isFinal()) {
                return o;
            }
            clock.idle();
        }
        throw new AssertionError("connect never ended");
    }

    private void assertClosedAndFreed(TcpSocket s) {
        List<String> log = chip.takeLog();
        assertEquals(List.of("W 0401 10", "R 0401=00", "W 0402 FF"), log.subList(log.size() - 3, log.size()));
        assertEquals(false, s.isOpen());
    }

    @Test
    void connectReportsUnreachableWhenArpGetsNoAnswer() {
        TcpSocket s = connecting(0x01, 0x01, 0x00);
        chip.script(0x0402, 0x00, 0x00, 0x08);
        assertEquals(ConnectOutcome.UNREACHABLE, pollToEnd(s));
        assertEquals(SocketFailure.UNREACHABLE, s.failure());
        assertClosedAndFreed(s);
    }

    /** RTR x (RCR+1) with the defaults: the shortest a SYN phase ending in TIMEOUT can last. */
    static final long SHORTEST_SYN_PHASE = 1_800_000_000L;

    @Test
    void timeoutSeenLongAfterTheLastArpPollIsNotClaimedUnreachable() {
        // Polls far apart (slow bus, busy caller): between the ARP poll and the CLOSED poll there was
        // time for ARP to succeed and a whole SYN phase to time out, so UNREACHABLE would be a guess.
        TcpSocket s = connecting(0x01, 0x00);
        chip.script(0x0402, 0x00, 0x08);
        assertEquals(ConnectOutcome.IN_PROGRESS, s.connectPoll());
        clock.now += SHORTEST_SYN_PHASE;
        assertEquals(ConnectOutcome.TIMED_OUT, s.connectPoll());
        assertEquals(SocketFailure.TIMED_OUT, s.failure());
        assertClosedAndFreed(s);
    }

    @Test
    void timeoutSeenWithinTheShortestSynPhaseAfterAnArpPollIsUnreachable() {
        TcpSocket s = connecting(0x01, 0x00);
        chip.script(0x0402, 0x00, 0x08);
        assertEquals(ConnectOutcome.IN_PROGRESS, s.connectPoll());
        clock.now += SHORTEST_SYN_PHASE - 1;
        assertEquals(ConnectOutcome.UNREACHABLE, s.connectPoll());
        assertClosedAndFreed(s);
    }

    @Test
    void firstPollLongAfterConnectStartCannotClaimUnreachable() {
        TcpSocket s = connecting(0x00);
        chip.script(0x0402, 0x08);
        clock.now += 2 * SHORTEST_SYN_PHASE;
        assertEquals(ConnectOutcome.TIMED_OUT, s.connectPoll());
        assertClosedAndFreed(s);
    }

    @Test
    void connectReportsTimeoutWhenSynRetriesRunOut() {
        TcpSocket s = connecting(0x15, 0x15, 0x00);
        chip.script(0x0402, 0x00, 0x00, 0x08);
        assertEquals(ConnectOutcome.TIMED_OUT, pollToEnd(s));
        assertClosedAndFreed(s);
    }

    @Test
    void connectReportsRefusedWhenThePeerResets() {
        TcpSocket s = connecting(0x15, 0x00);
        assertEquals(ConnectOutcome.REFUSED, pollToEnd(s));
        assertClosedAndFreed(s);
    }

    @Test
    void connectGivesUpAtItsDeadline() {
        TcpSocket s = connecting();
        chip.mem[0x0403] = 0x15; // SYNSENT forever
        long start = clock.now;
        assertEquals(ConnectOutcome.TIMED_OUT, pollToEnd(s));
        assertTrue(clock.now - start <= 5_000_000_000L + clock.step);
        assertClosedAndFreed(s);
    }

    @Test
    void commandRegisterThatNeverClearsFailsTheSendWithinItsDeadline() {
        TcpSocket s = connecting(0x17);
        chip.mem[0x0403] = 0x17;
        chip.set16(0x0420, 0x0800);
        assertEquals(ConnectOutcome.CONNECTED, s.connectPoll());
        chip.crSticks = true;
        long start = clock.now;
        assertEquals(W5100Socket.FAILED, s.send(new byte[10], 0, 10));
        long spent = clock.now - start;
        assertEquals(SocketFailure.CHIP_ERROR, s.failure());
        assertTrue(spent >= W5100Driver.COMMAND_TIMEOUT_NANOS && spent <= 3 * W5100Driver.COMMAND_TIMEOUT_NANOS,
                "failed within the command deadline(s): " + spent);
        assertEquals(false, s.isOpen());
    }

    @Test
    void peerResetMidTransferFailsReceiveAndFreesTheSocket() {
        TcpSocket s = connecting(0x17);
        chip.mem[0x0403] = 0x00;
        assertEquals(ConnectOutcome.CONNECTED, s.connectPoll());
        chip.mem[0x0402] = 0x02; // DISCON without TIMEOUT: RST
        assertEquals(W5100Socket.FAILED, s.receive(new byte[8], 0, 8));
        assertEquals(SocketFailure.RESET, s.failure());
        assertEquals(W5100Socket.FAILED, s.send(new byte[8], 0, 8), "a failed socket keeps saying so");
    }

    @Test
    void openThatTheChipDoesNotAcceptInTimeStillEndsWithClose() {
        W5100Driver d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        int[] slowCr = new int[1 + (int) (2 * W5100Driver.COMMAND_TIMEOUT_NANOS / clock.step)];
        java.util.Arrays.fill(slowCr, 0x01);
        slowCr[0] = 0x00; // the CLOSE before OPEN is taken at once; OPEN then hangs past its deadline
        chip.script(0x0401, slowCr);
        chip.takeLog();
        W5100Exception e = assertThrows(W5100Exception.class, d::openTcp);
        assertTrue(e.getMessage().contains("OPEN"), e.getMessage());
        List<String> writes = chip.takeLog().stream().filter(l -> l.startsWith("W 0401")).toList();
        assertEquals(List.of("W 0401 10", "W 0401 01", "W 0401 10"), writes, "CLOSE, OPEN, then CLOSE again");
        assertEquals(0, d.socketsInUse());
    }

    /** CLOSE was the last command written, the slot is free and the handle dead (for stuck-Sn_CR cases too). */
    private void assertCloseIssuedAndFreed(W5100Socket s) {
        List<String> writes = chip.takeLog().stream().filter(l -> l.startsWith("W 0" + (4 + s.socketNumber()) + "01")).toList();
        assertEquals("W 0" + (4 + s.socketNumber()) + "01 10", writes.get(writes.size() - 1), "last command CLOSE: " + writes);
        assertEquals(0, d.socketsInUse());
        assertEquals(false, s.isOpen());
    }

    private TcpSocket established() {
        TcpSocket s = connecting(0x17);
        chip.mem[0x0403] = 0x17;
        assertEquals(ConnectOutcome.CONNECTED, s.connectPoll());
        chip.takeLog();
        return s;
    }

    @Test
    void tcpSendWhoseSendOkNeverComesFailsAtTheChipsGiveUpTimeAndCloses() {
        TcpSocket s = established();
        chip.set16(0x0420, 0x0800);
        assertEquals(10, s.send(new byte[10], 0, 10));
        long start = clock.now;
        long limit = RegisterTrafficTest.CONFIG.tcpGiveUpNanos() + W5100Driver.COMMAND_TIMEOUT_NANOS;
        int r = 0;
        for (int i = 0; i < 10_000_000 && r == 0; i++) {
            r = s.send(new byte[1], 0, 1);
            clock.idle();
        }
        assertEquals(W5100Socket.FAILED, r);
        assertEquals(SocketFailure.TIMED_OUT, s.failure());
        assertTrue(clock.now - start >= limit && clock.now - start <= limit + 2 * clock.step, "at the deadline");
        assertCloseIssuedAndFreed(s);
    }

    @Test
    void recvThatTheChipDoesNotTakeFailsTheReceiveAndCloses() {
        TcpSocket s = established();
        chip.set16(0x0426, 3);
        chip.crSticks = true;
        assertEquals(W5100Socket.FAILED, s.receive(new byte[8], 0, 8));
        assertEquals(SocketFailure.CHIP_ERROR, s.failure());
        assertCloseIssuedAndFreed(s);
    }

    @Test
    void connectThatTheChipDoesNotTakeEndsAsChipErrorAndCloses() {
        d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        chip.mem[0x0403] = 0x13;
        TcpSocket s = d.openTcp();
        chip.crSticks = true;
        s.connectStart(RegisterTrafficTest.PEER, 25, 5_000_000_000L);
        assertEquals(ConnectOutcome.CHIP_ERROR, s.connectPoll());
        assertCloseIssuedAndFreed(s);
    }

    @Test
    void listeningSocketThatTheChipClosesEndsTimedOutAndFreed() {
        d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        chip.script(0x0403, 0x13, 0x14);
        TcpSocket s = d.listenTcp(25);
        chip.mem[0x0403] = 0x00;
        assertEquals(ConnectOutcome.TIMED_OUT, s.acceptPoll());
        assertCloseIssuedAndFreed(s);
    }

    @Test
    void listenThatTheChipDoesNotEnterThrowsAndCloses() {
        d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        chip.script(0x0403, 0x13, 0x00);
        chip.takeLog();
        W5100Exception e = assertThrows(W5100Exception.class, () -> d.listenTcp(25));
        assertTrue(e.getMessage().contains("LISTEN"), e.getMessage());
        List<String> log = chip.takeLog();
        assertEquals(List.of("W 0401 10", "R 0401=00", "W 0402 FF"), log.subList(log.size() - 3, log.size()));
        assertEquals(0, d.socketsInUse());
    }

    private UdpSocket udp() {
        d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        chip.mem[0x0403] = 0x22;
        UdpSocket u = d.openUdp(9);
        chip.takeLog();
        return u;
    }

    @Test
    void udpSendWithoutSendOkButWithTheBufferEmptiedCountsAsSent() {
        UdpSocket u = udp();
        chip.set16(0x0420, 2048); // the chip took every byte; only SEND_OK is missing (errata)
        long start = clock.now;
        assertEquals(4, u.sendTo(RegisterTrafficTest.PEER, 9, new byte[4], 0, 4));
        assertTrue(clock.now - start >= RegisterTrafficTest.CONFIG.arpGiveUpNanos(), "waited for SEND_OK first");
        assertEquals(true, u.isOpen());
        assertEquals(SocketFailure.NONE, u.failure());
        assertEquals(1, d.socketsInUse());
    }

    @Test
    void udpSendWithoutSendOkAndWithDataLeftClosesTimedOut() {
        UdpSocket u = udp();
        chip.set16(0x0420, 2044); // four bytes still in the TX buffer
        assertEquals(W5100Socket.FAILED, u.sendTo(RegisterTrafficTest.PEER, 9, new byte[4], 0, 4));
        assertEquals(SocketFailure.TIMED_OUT, u.failure());
        assertCloseIssuedAndFreed(u);
    }

    @Test
    void udpSendThatTheChipDoesNotTakeClosesWithChipError() {
        UdpSocket u = udp();
        chip.crSticks = true;
        assertEquals(W5100Socket.FAILED, u.sendTo(RegisterTrafficTest.PEER, 9, new byte[4], 0, 4));
        assertEquals(SocketFailure.CHIP_ERROR, u.failure());
        assertCloseIssuedAndFreed(u);
    }

    @Test
    void udpRecvThatTheChipDoesNotTakeClosesWithChipError() {
        UdpSocket u = udp();
        chip.mem[0x6006] = 0;
        chip.mem[0x6007] = 2;
        chip.set16(0x0426, 10);
        chip.crSticks = true;
        assertEquals(W5100Socket.FAILED, u.receive(new byte[4], 0, 4));
        assertEquals(SocketFailure.CHIP_ERROR, u.failure());
        assertCloseIssuedAndFreed(u);
    }

    @Test
    void fifthSocketIsRefusedWithAClearError() {
        W5100Driver d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        for (int n = 0; n < 4; n++) {
            chip.mem[0x0403 + n * 0x100] = 0x13;
        }
        for (int n = 0; n < 4; n++) {
            assertEquals(n, d.openTcp().socketNumber());
        }
        W5100Exception e = assertThrows(W5100Exception.class, d::openTcp);
        assertTrue(e.getMessage().contains("no free W5100 socket"));
    }

    @Test
    void zeroLengthUdpSendIsRejectedBeforeTouchingTheChip() {
        W5100Driver d = new W5100Driver(chip, ResetLine.NOT_WIRED, clock);
        d.bringUp(RegisterTrafficTest.CONFIG);
        chip.mem[0x0403] = 0x22;
        UdpSocket u = d.openUdp(9);
        chip.takeLog();
        assertThrows(IllegalArgumentException.class, () -> u.sendTo(RegisterTrafficTest.PEER, 9, new byte[4], 0, 0));
        assertEquals(List.of(), chip.takeLog());
    }
}
