package dev.w5100alert.firmware.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageBuilderTest {

    private static final long WHEN = 1_795_380_581_000L;
    private final MessageBuilder builder = new MessageBuilder(64 * 1024, 0x0123456789ABCDEFL, null, 0);
    private final MailMessage m = new MailMessage(MessageLimits.DEFAULT);

    MessageBuilderTest() {
        m.from("alert@box.example.org").addRecipient("ops@example.org").addRecipient("b@example.net");
    }

    private String render(boolean eightBit) {
        int n = builder.render(m, eightBit, WHEN, 7);
        return new String(builder.buffer(), 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void writesTheHeadersInOrderWithCrlfLineEnds() {
        m.subject().append("Door open");
        m.body().append("line one\nline two");
        assertEquals("Date: Sun, 22 Nov 2026 20:49:41 +0000\r\n"
                + "From: alert@box.example.org\r\n"
                + "To: ops@example.org,\r\n b@example.net\r\n"
                + "Subject: Door open\r\n"
                + "Message-ID: <1795380581000.7.0123456789abcdef@box.example.org>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n"
                + "\r\n"
                + "line one\r\nline two\r\n", render(false));
        assertEquals(MessageBuilder.BodyEncoding.SEVEN_BIT, builder.bodyEncoding());
    }

    @Test
    void writesTheFixedMessageIdAndDateOnEveryRender() {
        m.subject().append("Door open");
        m.body().append("x");
        String id = MessageBuilder.newMessageId(1_700_000_000_123L, 42, 0xFEDCBA9876543210L, "box.example.org");
        assertEquals("1700000000123.42.fedcba9876543210@box.example.org", id);
        m.messageId(id).dateMillis(1_700_000_000_123L);
        String first = render(false);
        int n = builder.render(m, false, WHEN + 86_400_000L, 99); // a later attempt: other clock, other counter
        String retry = new String(builder.buffer(), 0, n, StandardCharsets.UTF_8);
        assertTrue(first.startsWith("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), first);
        assertTrue(first.contains("\r\nMessage-ID: <" + id + ">\r\nMIME-Version: 1.0\r\n"), first);
        assertEquals(first, retry);
    }

    @Test
    void generatesMessageIdAndDateAgainAfterClear() {
        m.messageId("fixed.1@box.example.org").dateMillis(1_700_000_000_000L);
        m.clear().from("alert@box.example.org").addRecipient("ops@example.org");
        m.subject().append("s");
        String out = render(false);
        assertTrue(out.startsWith("Date: Sun, 22 Nov 2026 20:49:41 +0000\r\n"), out);
        assertTrue(out.contains("Message-ID: <1795380581000.7.0123456789abcdef@box.example.org>"), out);
    }

    @Test
    void refusesAMessageIdThatIsNotDotAtomTextAndKeepsThePreviousOne() {
        m.messageId("good.1@box.example.org");
        for (String bad : new String[] {"no-at-sign", "<a@b>", "a@b@c", "a b@c", "a@b\r\nBcc: x@y", ".a@b", "a..b@c",
                "a@", "@b", "a@b.", "x".repeat(251) + "@b"}) {
            assertThrows(IllegalArgumentException.class, () -> m.messageId(bad), bad);
        }
        assertEquals("good.1@box.example.org", m.messageId().toString());
        assertThrows(IllegalArgumentException.class, () -> m.dateMillis(-1));
        assertThrows(IllegalArgumentException.class, () -> MessageBuilder.newMessageId(1, 2, 3, "bad domain"));
    }

    @Test
    void encodesANonAsciiSubjectAsEncodedWordsThatNeverSplitACharacter() {
        String subject = "Temperatur über 8 °C im Kühlraum – Tür prüfen ✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓";
        m.subject().append(subject);
        String out = render(false);
        String header = out.substring(out.indexOf("Subject: ") + 9, out.indexOf("\r\nMessage-ID"));
        // RFC 2047 section 2: every line of a header holding encoded-words is at most 76 characters,
        // the first one with its "Subject: " included.
        for (String physical : ("Subject: " + header).split("\r\n")) {
            assertTrue(physical.length() <= 76, physical.length() + ": " + physical);
        }
        StringBuilder decoded = new StringBuilder();
        for (String line : header.split("\r\n ")) {
            assertTrue(line.length() <= 75, line);
            assertTrue(line.startsWith("=?UTF-8?B?") && line.endsWith("?="), line);
            byte[] raw = java.util.Base64.getDecoder().decode(line.substring(10, line.length() - 2));
            // each word decodes to whole characters on its own
            String part = new String(raw, StandardCharsets.UTF_8);
            assertFalse(part.contains("\uFFFD"), part);
            decoded.append(part);
        }
        assertEquals(subject, decoded.toString());
    }

    @Test
    void uses8bitOnlyWhenAllowedAndQuotedPrintableOtherwise() {
        m.body().append("Tür = offen \nnext");
        String eight = render(true);
        assertEquals(MessageBuilder.BodyEncoding.EIGHT_BIT, builder.bodyEncoding());
        assertTrue(eight.endsWith("Content-Transfer-Encoding: 8bit\r\n\r\nTür = offen \r\nnext\r\n"), eight);
        String qp = render(false);
        assertEquals(MessageBuilder.BodyEncoding.QUOTED_PRINTABLE, builder.bodyEncoding());
        assertTrue(qp.endsWith("quoted-printable\r\n\r\nT=C3=BCr =3D offen=20\r\nnext\r\n"), qp);
    }

    static LongStream seeds() {
        return LongStream.range(0, 20).map(i -> 5 + i * 65537);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void quotedPrintableRoundTripsAndKeepsLinesShort(long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder text = new StringBuilder();
        String alphabet = "ab =.\t\nüé€\r";
        for (int i = r.nextInt(3000); i > 0; i--) {
            text.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        m.body().append(text);
        String out = render(false);
        String body = out.substring(out.indexOf("\r\n\r\n") + 4);
        for (String line : body.split("\r\n")) {
            assertTrue(line.length() <= 76, "seed " + seed + ": " + line);
            assertFalse(line.endsWith(" ") || line.endsWith("\t"), "seed " + seed);
        }
        byte[] decoded = jakarta.mail.internet.MimeUtility.decode(
                new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)), "quoted-printable")
                .readAllBytes();
        String expected = text.toString().replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
        if (!expected.isEmpty() && !expected.endsWith("\r\n")) {
            expected += "\r\n";
        }
        assertEquals(expected, new String(decoded, StandardCharsets.UTF_8), "seed " + seed);
    }

    @Test
    void wrapsTheBase64AttachmentAt76Characters() {
        m.body().append("see attachment");
        byte[] data = new byte[1000];
        new Random(3).nextBytes(data);
        m.attach("data.bin", "application/octet-stream").append(data, 0, data.length);
        String out = render(false);
        String boundary = "=_w5100alert_0123456789abcdef_0000000000000007";
        assertTrue(out.contains("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n"), out);
        int start = out.indexOf("filename=\"data.bin\"\r\n\r\n") + 23;
        int end = out.indexOf("--" + boundary + "--");
        String b64 = out.substring(start, end);
        StringBuilder joined = new StringBuilder();
        String[] lines = b64.split("\r\n");
        for (int i = 0; i < lines.length; i++) {
            assertTrue(lines[i].length() == 76 || i == lines.length - 1, "line " + i + ": " + lines[i].length());
            joined.append(lines[i]);
        }
        assertArrayEquals(data, java.util.Base64.getDecoder().decode(joined.toString()));
        assertTrue(out.endsWith("--" + boundary + "--\r\n"));
    }

    @Test
    void sendsSeveralAttachmentsAsBase64PartsInTheOrderTheyWereAdded() throws Exception {
        m.body().append("two files");
        byte[] csv = "time,state\r\n1,OPEN\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bin = new byte[300];
        new Random(11).nextBytes(bin);
        m.attach("a.csv", "text/csv").append(csv, 0, csv.length);
        m.attach("b.bin", "application/octet-stream").append(bin, 0, bin.length);
        assertEquals(2, m.attachmentCount());
        String out = render(false);

        jakarta.mail.internet.MimeMessage parsed = new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(out.getBytes(StandardCharsets.US_ASCII)));
        jakarta.mail.Multipart parts = (jakarta.mail.Multipart) parsed.getContent();
        assertEquals(3, parts.getCount());
        assertEquals("two files", parts.getBodyPart(0).getContent()); // the last CRLF belongs to the boundary
        assertEquals("a.csv", parts.getBodyPart(1).getFileName());
        assertArrayEquals(csv, parts.getBodyPart(1).getInputStream().readAllBytes());
        assertEquals("b.bin", parts.getBodyPart(2).getFileName());
        assertArrayEquals(bin, parts.getBodyPart(2).getInputStream().readAllBytes());
        String[] lines = out.split("\r\n");
        int second = java.util.Arrays.asList(lines).indexOf("Content-Disposition: attachment; filename=\"b.bin\"");
        assertEquals(76, lines[second + 2].length(), "base64 wrapped at 76");
        assertEquals(400 % 76, lines[second + 2 + 400 / 76].length(), "300 bytes -> 400 characters");
    }

    @Test
    void refusesAnAttachmentBeyondTheLimitAndKeepsTheOthers() {
        MailMessage two = new MailMessage(new MessageLimits(1, 64, 64, 64, 1024, 2));
        two.attach("a.txt", "text/plain").append("A");
        two.attach("b.txt", "text/plain").append("B");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> two.attach("c.txt", "text/plain"));
        assertTrue(e.getMessage().contains("more than 2 attachments"), e.getMessage());
        assertEquals(2, two.attachmentCount());
        assertEquals("b.txt", two.attachmentName(1).toString());
        assertEquals("B", two.attachment(1).toString());
        two.clearAttachments();
        assertFalse(two.hasAttachment());
        assertEquals("C", two.attach("c.txt", "text/plain").append("C").toString());
    }

    @Test
    void keepsTheFiveArgumentLimitsAtOneAttachment() {
        MailMessage one = new MailMessage(new MessageLimits(1, 64, 64, 64, 1024));
        one.attach("a.txt", "text/plain");
        assertThrows(IllegalArgumentException.class, () -> one.attach("b.txt", "text/plain"));
        assertThrows(IllegalArgumentException.class, () -> new MessageLimits(1, 64, 64, 64, 1024, 17));
    }

    @Test
    void refusesCrLfInHeaderTextAndAnOversizedMessage() {
        m.subject().append("a\nBcc: x@y");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> render(false)).getMessage().contains("CR or LF"));
        m.subject().clear();
        m.attach("evil\r\n.csv", "text/csv");
        assertThrows(IllegalArgumentException.class, () -> render(false));
        m.clearAttachments();
        MessageBuilder tiny = new MessageBuilder(1024, 1, null, 0);
        m.body().append("x".repeat(2000));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> tiny.render(m, false, WHEN, 1)).getMessage()
                .contains("does not fit"));
    }

    @Test
    void keepsContentIntactWhenTextDoesNotFit() {
        ByteText t = new ByteText(8);
        t.append("abc");
        assertThrows(IllegalArgumentException.class, () -> t.append("defghi"));
        assertEquals("abc", t.toString());
        assertThrows(IllegalArgumentException.class, () -> t.append(123456789L));
        assertEquals("abc", t.toString());
    }

    @Test
    void aFixedMessageIdAndDateAreWrittenInsteadOfGeneratedOnes() {
        m.subject().append("Door open");
        m.body().append("x");
        String id = MessageBuilder.newMessageId(1_000L, 42, 0xABCDEFL, "box.example.org");
        assertEquals("1000.42.0000000000abcdef@box.example.org", id);
        m.messageId(id).dateMillis(WHEN - 86_400_000L);
        for (long number = 1; number <= 3; number++) {
            int n = builder.render(m, false, WHEN + number * 60_000L, number);
            String text = new String(builder.buffer(), 0, n, StandardCharsets.UTF_8);
            assertTrue(text.startsWith("Date: Sat, 21 Nov 2026 20:49:41 +0000\r\n"), text);
            assertTrue(text.contains("\r\nMessage-ID: <" + id + ">\r\n"), text);
        }
        m.clear();
        assertTrue(m.messageId().isEmpty());
        assertEquals(0, m.dateMillis());
        m.from("alert@box.example.org").addRecipient("ops@example.org").messageId(null);
        String generated = render(false);
        assertTrue(generated.contains("Message-ID: <1795380581000.7.0123456789abcdef@box.example.org>"), generated);
    }

    @Test
    void aMessageIdThatIsNotLeftAtRightIsRefused() {
        for (String bad : new String[] {"no-at", "@x", "x@", "a@b@c", "a b@c", "a<b@c", "a@c>", "a\r\n@c",
                "x".repeat(MailMessage.MAX_MESSAGE_ID) + "@c", "tür@c"}) {
            assertThrows(IllegalArgumentException.class, () -> m.messageId(bad), bad);
        }
        assertTrue(m.messageId().isEmpty(), "a refused id leaves the message as it was");
    }
}
