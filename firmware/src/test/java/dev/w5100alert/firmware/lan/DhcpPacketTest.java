package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.dhcp.DhcpPacket;
import dev.w5100alert.hal.Ipv4;
import org.junit.jupiter.api.Test;

/** The DHCP reader and writer alone, on hand-built hostile messages. */
class DhcpPacketTest {

    final DhcpPacket p = new DhcpPacket();

    /** A BOOTREPLY skeleton with the cookie; options from 240. */
    static byte[] reply(int... options) {
        byte[] b = new byte[240 + options.length];
        b[0] = 2;
        b[1] = 1;
        b[2] = 6;
        TestDhcpServer.put(b, 4, 0x11223344);
        TestDhcpServer.put(b, 16, Ipv4.of(10, 0, 0, 5));
        TestDhcpServer.put(b, 236, 0x63825363);
        for (int i = 0; i < options.length; i++) {
            b[240 + i] = (byte) options[i];
        }
        return b;
    }

    @Test
    void readsTheOptionsAClientNeeds() {
        byte[] b = reply(53, 1, 5, 0, 0, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 14, 16, 58, 4, 0, 0, 3, 132,
                1, 4, 255, 255, 255, 0, 3, 8, 10, 0, 0, 1, 10, 0, 0, 2, 6, 4, 10, 0, 0, 53,
                42, 16, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 99, 3, 1, 2, 3, 255);
        assertEquals(DhcpPacket.OK, p.read(b, b.length));
        assertEquals(DhcpPacket.ACK, p.messageType);
        assertEquals(Ipv4.of(10, 0, 0, 1), p.serverId);
        assertEquals(3600, p.lease);
        assertEquals(900, p.t1);
        assertEquals(-1, p.t2);
        assertEquals(0xFFFFFF00, p.subnet);
        assertEquals(Ipv4.of(10, 0, 0, 1), p.router, "first router");
        assertEquals(1, p.dnsCount);
        assertEquals(3, p.ntpCount, "bounded to what we keep");
        assertEquals(0x11223344, p.xid);
        assertEquals(Ipv4.of(10, 0, 0, 5), p.yiaddr);
    }

    @Test
    void refusesAnOptionWhoseLengthRunsPastTheEnd() {
        byte[] b = reply(53, 1, 2, 54, 4, 10, 0, 0, 1, 6, 200, 1, 2, 3, 4);
        assertEquals(DhcpPacket.OPTION_OVERRUN, p.read(b, b.length));
        byte[] cut = reply(53, 1, 2, 54);
        assertEquals(DhcpPacket.OPTION_OVERRUN, p.read(cut, cut.length), "code without its length byte");
    }

    @Test
    void readsOnlyTheReceivedLengthWhateverTheBufferHolds() {
        byte[] b = reply(53, 1, 2, 6, 8, 1, 2, 3, 4, 5, 6, 7, 8, 255);
        assertEquals(DhcpPacket.OPTION_OVERRUN, p.read(b, 240 + 7), "the DNS option is cut by the length");
    }

    @Test
    void refusesFixedOptionsOfTheWrongSize() {
        for (int[] bad : new int[][] {{53, 2, 5, 5}, {54, 3, 1, 2, 3}, {51, 2, 0, 1}, {1, 5, 1, 2, 3, 4, 5},
                {3, 3, 1, 2, 3}, {6, 0}, {42, 6, 1, 2, 3, 4, 5, 6}, {52, 1, 4}}) {
            int[] opts = new int[bad.length + 1];
            System.arraycopy(bad, 0, opts, 0, bad.length);
            opts[bad.length] = 255;
            byte[] b = reply(opts);
            assertEquals(DhcpPacket.BAD_OPTION, p.read(b, b.length), () -> java.util.Arrays.toString(bad));
        }
    }

    @Test
    void shortMessagesAndAWrongCookieAreRefused() {
        byte[] b = reply(53, 1, 2, 255);
        assertEquals(DhcpPacket.TOO_SHORT, p.read(b, 239));
        b[236] = 0;
        assertEquals(DhcpPacket.BAD_COOKIE, p.read(b, b.length));
        byte[] none = reply(255);
        assertEquals(DhcpPacket.NO_MESSAGE_TYPE, p.read(none, none.length));
    }

    @Test
    void optionOverloadContinuesInFileThenSname() {
        byte[] b = reply(53, 1, 2, 52, 1, 3, 255);
        // file (108..235): server id; sname (44..107): lease
        int[] file = {54, 4, 10, 9, 9, 9, 255};
        int[] sname = {51, 4, 0, 0, 0, 60, 255};
        for (int i = 0; i < file.length; i++) {
            b[108 + i] = (byte) file[i];
        }
        for (int i = 0; i < sname.length; i++) {
            b[44 + i] = (byte) sname[i];
        }
        assertEquals(DhcpPacket.OK, p.read(b, b.length));
        assertEquals(Ipv4.of(10, 9, 9, 9), p.serverId);
        assertEquals(60, p.lease);
        b[108 + 1] = 127; // server id length running out of the file field
        assertEquals(DhcpPacket.OPTION_OVERRUN, p.read(b, b.length));
    }

    @Test
    void withoutOverloadTheFileFieldIsNotReadAsOptions() {
        byte[] b = reply(53, 1, 2, 255);
        b[108] = 54;
        b[109] = 4;
        b[110] = 10;
        assertEquals(DhcpPacket.OK, p.read(b, b.length));
        assertEquals(0, p.serverId);
    }

    @Test
    void writesAnRfcShapedRequest() {
        byte[] out = new byte[600];
        byte[] host = "box".getBytes();
        int n = DhcpPacket.write(out, DhcpPacket.REQUEST, 0xCAFEBABE, 7, true, 0, 0x020000000001L,
                Ipv4.of(10, 0, 0, 5), Ipv4.of(10, 0, 0, 1), host, 3);
        assertEquals(300, n, "padded to the BOOTP minimum");
        assertEquals(1, out[0]);
        assertEquals(0xCAFEBABE, TestDhcpServer.i32(out, 4));
        assertEquals(7, out[9]);
        assertEquals((byte) 0x80, out[10]);
        assertEquals(3, TestDhcpServer.option(out, 0, n, 53));
        assertTrue(TestDhcpServer.option(out, 0, n, 50) >= 0);
        assertTrue(TestDhcpServer.option(out, 0, n, 54) >= 0);
        assertTrue(TestDhcpServer.option(out, 0, n, 55) >= 0);
        assertEquals(1, TestDhcpServer.option(out, 0, n, 61), "client id: hardware type 1 + MAC");
        assertEquals('b', TestDhcpServer.option(out, 0, n, 12));
        assertEquals(2, TestDhcpServer.option(out, 0, n, 57), "max message size 576 = 0x0240");
    }
}
