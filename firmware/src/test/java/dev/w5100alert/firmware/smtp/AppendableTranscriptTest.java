package dev.w5100alert.firmware.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AppendableTranscriptTest {

    @Test
    void writesSwaksStyleLinesAndNeutralisesControlBytes() {
        StringBuilder sb = new StringBuilder();
        AppendableTranscript t = new AppendableTranscript(sb);
        t.event("connecting");
        byte[] reply = "xx220 hi\u001b[2Jthere".getBytes(StandardCharsets.ISO_8859_1);
        t.line(false, reply, 2, reply.length - 2);
        byte[] cmd = "EHLO [127.0.0.1]".getBytes(StandardCharsets.US_ASCII);
        t.line(true, cmd, 0, cmd.length);
        assertEquals("=== connecting\n<- 220 hi?[2Jthere\n-> EHLO [127.0.0.1]\n", sb.toString());
    }
}
