package dev.w5100alert.firmware.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny scripted SMTP server on 127.0.0.1 for failure-path tests: it answers each command verb with the
 * next scripted reply (the last one repeats), or with the default happy-path reply.
 *
 * <p>Keys: GREETING, EHLO, HELO, AUTH (the AUTH command), AUTH_USER, AUTH_PASS (LOGIN steps), MAIL, RCPT,
 * DATA, DOT (after the message), QUIT, RSET, DATA_LINE (while reading message lines; default: read on).
 * Special replies: {@link #CLOSE} closes the connection, {@link #SILENCE} stops answering (and raises
 * {@link #silent()}), {@link #GARBAGE_FLOOD} sends bytes without a line end forever (bounded by the client
 * closing), anything starting with {@link #BYTE_BY_BYTE} is sent one byte per write.
 */
public final class ScriptServer implements AutoCloseable {

    public static final String CLOSE = "<close>";
    public static final String SILENCE = "<silence>";
    public static final String GARBAGE_FLOOD = "<flood>";
    public static final String BYTE_BY_BYTE = "<bytes>";

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("GREETING", "220 script.test ESMTP ready"),
            Map.entry("EHLO", "250-script.test greets you\r\n250-AUTH PLAIN LOGIN\r\n250-SIZE 1000000\r\n"
                    + "250-8BITMIME\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES"),
            Map.entry("HELO", "250 script.test"),
            Map.entry("AUTH", "235 2.7.0 ok"),
            Map.entry("AUTH_LOGIN", "334 VXNlcm5hbWU6"),
            Map.entry("AUTH_USER", "334 UGFzc3dvcmQ6"),
            Map.entry("AUTH_PASS", "235 2.7.0 ok"),
            Map.entry("MAIL", "250 2.1.0 ok"),
            Map.entry("RCPT", "250 2.1.5 ok"),
            Map.entry("DATA", "354 go ahead"),
            Map.entry("DOT", "250 2.0.0 queued as 42"),
            Map.entry("QUIT", "221 2.0.0 bye"),
            Map.entry("RSET", "250 2.0.0 reset"),
            Map.entry("NOOP", "250 ok"));

    private final ServerSocket server;
    private final Thread thread;
    private final Map<String, Deque<String>> script = new HashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> dataLines = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean silent;
    private volatile boolean closed;
    private final List<Socket> open = new ArrayList<>();

    public ScriptServer() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "script-smtp");
        thread.setDaemon(true);
    }

    /** Scripts the replies for a key (in order; the last repeats). */
    public synchronized ScriptServer on(String key, String... replies) {
        script.put(key, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    public ScriptServer start() {
        thread.start();
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public boolean silent() {
        return silent;
    }

    public List<String> commands() {
        return commands;
    }

    public List<String> dataLines() {
        return dataLines;
    }

    public int connections() {
        return connections.get();
    }

    private synchronized String reply(String key) {
        Deque<String> q = script.get(key);
        if (q == null || q.isEmpty()) {
            return DEFAULTS.get(key);
        }
        return q.size() > 1 ? q.poll() : q.peek();
    }

    private void serve() {
        while (!closed) {
            try (Socket s = server.accept()) {
                synchronized (open) {
                    open.add(s);
                }
                connections.incrementAndGet();
                s.setTcpNoDelay(true);
                s.setSoTimeout(60_000);
                converse(s.getInputStream(), s.getOutputStream());
                if (silent) {
                    // Hold the connection open and quiet until the test closes the server.
                    while (!closed && s.getInputStream().read() >= 0) {
                        // discard
                    }
                }
            } catch (IOException e) {
                // connection ended or server closed
            }
        }
    }

    /** Returns normally when the conversation is over (QUIT, CLOSE or SILENCE). */
    private void converse(InputStream in, OutputStream out) throws IOException {
        if (!send(out, reply("GREETING"))) {
            return;
        }
        String authStep = null;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                return;
            }
            commands.add(line);
            String key;
            if ("LOGIN_USER".equals(authStep)) {
                key = "AUTH_USER";
                authStep = "LOGIN_PASS";
            } else if ("LOGIN_PASS".equals(authStep)) {
                key = "AUTH_PASS";
                authStep = null;
            } else {
                String verb = line.split(" ", 2)[0].toUpperCase();
                key = verb.equals("AUTH") && line.toUpperCase().startsWith("AUTH LOGIN") ? "AUTH_LOGIN" : verb;
                if (key.equals("AUTH_LOGIN")) {
                    authStep = "LOGIN_USER";
                }
            }
            String r = key.equals("AUTH_LOGIN") && script.containsKey("AUTH") ? reply("AUTH") : reply(key);
            if (r == null) {
                r = "500 5.5.1 unknown command";
            }
            if (key.equals("AUTH_LOGIN") && !r.replace(BYTE_BY_BYTE, "").startsWith("334")) {
                authStep = null;
            }
            if (!send(out, r)) {
                return;
            }
            if (key.equals("QUIT")) {
                return;
            }
            if (key.equals("DATA") && r.startsWith("354")) {
                while (true) {
                    String d = readLine(in);
                    if (d == null) {
                        return;
                    }
                    if (d.equals(".")) {
                        break;
                    }
                    dataLines.add(d);
                    String dl = reply("DATA_LINE");
                    if (dl != null && !send(out, dl)) {
                        return;
                    }
                }
                if (!send(out, reply("DOT"))) {
                    return;
                }
            }
        }
    }

    /** Sends a scripted reply; false when the conversation must stop here. */
    private boolean send(OutputStream out, String r) throws IOException {
        switch (r) {
            case CLOSE:
                return false;
            case SILENCE:
                silent = true;
                return false;
            case GARBAGE_FLOOD:
                byte[] junk = new byte[4096];
                java.util.Arrays.fill(junk, (byte) 'Z');
                for (int i = 0; i < 10_000; i++) { // bounded: 40 MB, the client gives up long before
                    out.write(junk);
                }
                return false;
            default:
                break;
        }
        if (r.startsWith(BYTE_BY_BYTE)) {
            byte[] b = (r.substring(BYTE_BY_BYTE.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (byte x : b) {
                out.write(x);
                out.flush();
            }
            return true;
        }
        out.write((r + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return null;
                }
                if (c == '\n') {
                    byte[] b = line.toByteArray();
                    int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                    return new String(b, 0, n, StandardCharsets.UTF_8);
                }
                line.write(c);
                if (line.size() > 100_000) {
                    return null;
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
