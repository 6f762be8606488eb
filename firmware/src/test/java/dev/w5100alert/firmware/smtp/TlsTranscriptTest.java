package dev.w5100alert.firmware.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** swaks' markers: lines inside TLS are " ~> " and "<~ ", plain ones "-> " and "<- ". */
class TlsTranscriptTest {

    @Test
    void linesInsideTlsAreMarkedTheSwaksWay() {
        StringBuilder out = new StringBuilder();
        AppendableTranscript t = new AppendableTranscript(out);
        byte[] ehlo = "EHLO [192.168.1.50]".getBytes(StandardCharsets.US_ASCII);
        byte[] ok = "250 ok\u001b[2J".getBytes(StandardCharsets.ISO_8859_1);
        t.line(true, false, ehlo, 0, ehlo.length);
        t.event("TLS started: TLSv1.3 TLS_AES_128_GCM_SHA256, peer CN=mail.example.test, verified");
        t.line(true, true, ehlo, 0, ehlo.length);
        t.line(false, true, ok, 0, ok.length);
        t.line(false, ok, 0, 6);
        assertEquals("-> EHLO [192.168.1.50]\n"
                + "=== TLS started: TLSv1.3 TLS_AES_128_GCM_SHA256, peer CN=mail.example.test, verified\n"
                + " ~> EHLO [192.168.1.50]\n"
                + "<~ 250 ok?[2J\n"
                + "<- 250 ok\n", out.toString());
    }
}
