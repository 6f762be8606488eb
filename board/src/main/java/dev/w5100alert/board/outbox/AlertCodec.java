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

/**
 * Binary form of an {@link Alert} inside an outbox record (strings as length-prefixed UTF-8).
 * Version 2 (written): created u64 | date u64 | message-id | sensor | subject | body | n u16 | recipients |
 * has-csv u8 [| csv name | csv]. Version 1 (read only) is the same without date and message-id.
 */
final class AlertCodec {
    private AlertCodec() { }

    static byte[] encode(Alert a) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeLong(a.createdMillis());
            out.writeLong(a.dateMillis());
            string(out, a.messageId() == null ? "" : a.messageId());
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

    /** Decodes a version 2 (or, with {@code version} 1, a version 1) alert; IOException when it does not parse. */
    static Alert decode(int version, long id, byte[] buf, int off, int len) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf, off, len));
        long created = in.readLong();
        long date = 0;
        String messageId = null;
        if (version >= 2) {
            date = in.readLong();
            messageId = string(in, len);
            if (!MessageIds.usable(messageId)) {
                messageId = null; // the outbox mints a new one; a bad id must not make the alert unsendable
            }
        }
        String sensor = string(in, len);
        String subject = string(in, len);
        String body = string(in, len);
        int n = in.readUnsignedShort();
        List<String> rcpt = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            rcpt.add(string(in, len));
        }
        String csvName = null;
        String csv = null;
        if (in.readBoolean()) {
            csvName = string(in, len);
            csv = string(in, len);
        }
        if (in.available() != 0) {
            throw new IOException("record has " + in.available() + " bytes after the alert");
        }
        return new Alert(id, sensor, created, subject, body, List.copyOf(rcpt), csvName, csv, messageId, date);
    }

    static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String string(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("string length " + n + " out of range");
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("record ends inside a string");
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
