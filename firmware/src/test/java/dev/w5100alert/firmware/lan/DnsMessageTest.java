package dev.w5100alert.firmware.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.w5100alert.firmware.dns.DnsMessage;
import dev.w5100alert.hal.Ipv4;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The DNS reply reader alone, on hand-built hostile replies. */
class DnsMessageTest {

    static final int ID = 0xBEEF;
    final DnsMessage reader = new DnsMessage();
    final byte[] qname = new byte[255];
    final int qlen = DnsMessage.encodeName("smtp.example.com", qname);

    /** A reply builder: header, the question for smtp.example.com, then whatever the test appends. */
    static final class Reply {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Reply(int id, int flags, int qd, int an) {
            u16(id).u16(flags).u16(qd).u16(an).u16(0).u16(0);
        }

        static Reply standard(int an) {
            return new Reply(ID, 0x8180, 1, an).name("smtp", "example", "com").u16(1).u16(1);
        }

        Reply u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Reply u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        Reply bytes(int... b) {
            for (int x : b) {
                out.write(x);
            }
            return this;
        }

        Reply name(String... labels) {
            for (String l : labels) {
                out.write(l.length());
                out.writeBytes(l.getBytes());
            }
            out.write(0);
            return this;
        }

        Reply a(long ttl, int ip) {
            return u16(1).u16(1).u32(ttl).u16(4).u32(ip & 0xFFFFFFFFL);
        }

        byte[] build() {
            return out.toByteArray();
        }
    }

    int read(byte[] m) {
        return reader.readReply(m, m.length, ID, qname, qlen);
    }

    @Test
    void takesAnARecordWhoseOwnerIsAPointerToTheQuestion() {
        byte[] m = Reply.standard(1).bytes(0xC0, 12).a(300, Ipv4.of(10, 1, 2, 3)).build();
        assertEquals(DnsMessage.ADDRESS, read(m));
        assertEquals(Ipv4.of(10, 1, 2, 3), reader.address());
        assertEquals(300, reader.ttl());
    }

    @Test
    void followsACnameChainAndTakesTheSmallestTtl() {
        // smtp.example.com CNAME relay.example.com (ttl 60); relay.example.com A 10.0.0.9 (ttl 600)
        Reply b = Reply.standard(2);
        b.bytes(0xC0, 12).u16(5).u16(1).u32(60).u16(8);
        int relayAt = b.out.size();
        b.bytes(5).bytes('r', 'e', 'l', 'a', 'y').bytes(0xC0, 17); // relay + pointer to "example.com"
        b.bytes(0xC0, relayAt).a(600, Ipv4.of(10, 0, 0, 9));
        assertEquals(DnsMessage.ADDRESS, read(b.build()));
        assertEquals(Ipv4.of(10, 0, 0, 9), reader.address());
        assertEquals(60, reader.ttl());
    }

    @Test
    void aCnameLoopEndsWithoutAnAddress() {
        Reply b = Reply.standard(1);
        b.bytes(0xC0, 12).u16(5).u16(1).u32(60).u16(2).bytes(0xC0, 12); // smtp.example.com CNAME itself
        assertEquals(DnsMessage.NO_ADDRESS, read(b.build()));
    }

    @Test
    void aSelfPointerIsMalformedNotAHang() {
        Reply b = Reply.standard(1);
        int at = b.out.size();
        b.bytes(0xC0 | (at >>> 8), at & 0xFF).a(60, 1);
        assertEquals(DnsMessage.MALFORMED, read(b.build()));
    }

    @Test
    void aForwardPointerIsMalformed() {
        Reply b = Reply.standard(1);
        int at = b.out.size();
        b.bytes(0xC0, at + 2).a(60, 1);
        assertEquals(DnsMessage.MALFORMED, read(b.build()));
    }

    @Test
    void aPointerIntoTheHeaderIsMalformed() {
        assertEquals(DnsMessage.MALFORMED, read(Reply.standard(1).bytes(0xC0, 2).a(60, 1).build()));
    }

    @Test
    void aPointerLoopBetweenTwoNamesEndsAtTheHopBound() {
        // owner: label "x" then a pointer back to the label itself: x.x.x... until the 255-byte bound
        Reply b = Reply.standard(1);
        int at = b.out.size();
        b.bytes(1, 'x', 0xC0 | (at >>> 8), at & 0xFF).a(60, 1);
        assertEquals(DnsMessage.MALFORMED, read(b.build()));
    }

    @Test
    void aLabelRunningPastTheEndIsMalformed() {
        assertEquals(DnsMessage.MALFORMED, read(Reply.standard(1).bytes(40, 'a', 'b').build()));
    }

    @Test
    void rdataRunningPastTheEndIsMalformed() {
        assertEquals(DnsMessage.MALFORMED,
                read(Reply.standard(1).bytes(0xC0, 12).u16(1).u16(1).u32(60).u16(40).u32(1).build()));
    }

    @Test
    void anotherIdAQueryOrAnotherQuestionIsNotOurs() {
        assertEquals(DnsMessage.MISMATCH, reader.readReply(Reply.standard(0).build(), 34, ID + 1, qname, qlen));
        byte[] query = new Reply(ID, 0x0100, 1, 0).name("smtp", "example", "com").u16(1).u16(1).build();
        assertEquals(DnsMessage.MISMATCH, read(query), "QR clear");
        byte[] other = new Reply(ID, 0x8180, 1, 0).name("smtp", "example", "org").u16(1).u16(1).build();
        assertEquals(DnsMessage.MISMATCH, read(other));
        byte[] aaaa = new Reply(ID, 0x8180, 1, 0).name("smtp", "example", "com").u16(28).u16(1).build();
        assertEquals(DnsMessage.MISMATCH, read(aaaa));
        byte[] two = new Reply(ID, 0x8180, 2, 0).name("smtp", "example", "com").u16(1).u16(1).build();
        assertEquals(DnsMessage.MISMATCH, read(two));
        assertEquals(DnsMessage.MISMATCH, read(new byte[11]));
    }

    @Test
    void questionMatchesIgnoringCase() {
        byte[] m = new Reply(ID, 0x8180, 1, 1).name("SMTP", "Example", "COM").u16(1).u16(1)
                .bytes(0xC0, 12).a(5, 7).build();
        assertEquals(DnsMessage.ADDRESS, read(m));
    }

    @Test
    void rcodesAndTruncation() {
        assertEquals(DnsMessage.NXDOMAIN, read(new Reply(ID, 0x8183, 1, 0).name("smtp", "example", "com").u16(1).u16(1).build()));
        assertEquals(DnsMessage.SERVER_FAILURE, read(new Reply(ID, 0x8182, 1, 0).name("smtp", "example", "com").u16(1).u16(1).build()));
        assertEquals(DnsMessage.SERVER_FAILURE, read(new Reply(ID, 0x8185, 1, 0).name("smtp", "example", "com").u16(1).u16(1).build()));
        assertEquals(DnsMessage.TRUNCATED, read(new Reply(ID, 0x8380, 1, 0).name("smtp", "example", "com").u16(1).u16(1).build()));
        assertEquals(DnsMessage.NO_ADDRESS, read(Reply.standard(0).build()));
    }

    @Test
    void aRecordOfAnotherNameOrAnotherLengthIsNotTaken() {
        byte[] m = Reply.standard(2).name("evil", "com").a(60, 1)
                .bytes(0xC0, 12).u16(1).u16(1).u32(60).u16(3).bytes(1, 2, 3).build();
        assertEquals(DnsMessage.NO_ADDRESS, read(m));
    }

    @Test
    void encodesOnlyValidHostNames() {
        byte[] out = new byte[255];
        assertEquals(18, DnsMessage.encodeName("smtp.example.com.", out));
        assertEquals(-1, DnsMessage.encodeName("", out));
        assertEquals(-1, DnsMessage.encodeName("a..b", out));
        assertEquals(-1, DnsMessage.encodeName("bad name.com", out));
        assertEquals(-1, DnsMessage.encodeName("x".repeat(64) + ".com", out));
        assertEquals(-1, DnsMessage.encodeName(("abcdefghi.").repeat(26), out));
    }
}
