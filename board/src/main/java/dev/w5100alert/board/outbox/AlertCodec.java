package dev.w5100alert.board.outbox;

import dev.w5100alert.board.alert.Alert;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Binary form of an {@link Alert} inside an outbox record (strings as length-prefixed UTF-8). */
final class AlertCodec {
    private AlertCodec() { }

    static byte[] encode(Alert a) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeLong(a.createdMillis());
            string(out, a.sensor());
            string(out, a.subject());
            string(out, a.body());
            out.writeShort(a.recipients().size());
            for (String r : a.recipients()) {
                string(out, r);
            }
            out.writeBoolean(a.csv() != null);
            if (a.csv() != null) {
                string(out, a.csvName());
                string(out, a.csv());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream cannot fail", e);
        }
    }

    static Alert decode(long id, byte[] buf, int off, int len) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf, off, len));
        long created = in.readLong();
        String sensor = string(in);
        String subject = string(in);
        String body = string(in);
        int n = in.readUnsignedShort();
        List<String> rcpt = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rcpt.add(string(in));
        }
        String csvName = null;
        String csv = null;
        if (in.readBoolean()) {
            csvName = string(in);
            csv = string(in);
        }
        return new Alert(id, sensor, created, subject, body, List.copyOf(rcpt), csvName, csv);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > Outbox.MAX_RECORD_BYTES) {
            throw new IOException("string length " + n + " out of range");
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("record ends inside a string");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
