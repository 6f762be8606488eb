package dev.w5100alert.board.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A minimal SMTP server on 127.0.0.1 whose behaviour is scripted per connection, for failure paths
 * GreenMail cannot produce on demand. Each connection takes the next {@link Behaviour} (ACCEPT once the
 * script is used up). A message counts as received only when the server answers 250 to its final dot.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    public enum Behaviour {
        /** A normal, successful conversation. */
        ACCEPT,
        /** Greets with 421 and hangs up (transient). */
        GREET_421,
        /** Answers RCPT with 550 (permanent). */
        RCPT_550,
        /** Refuses (550) only recipients whose address starts with "nobody@"; takes the others. */
        RCPT_550_NOBODY,
        /** Takes the whole message but never answers the final dot (a hung server, mid-send). */
        STALL_AFTER_DATA,
        /** Takes the whole message and answers the final dot with 421 (transient, after DATA). */
        DATA_421,
        /** Takes the whole message and waits {@link #DELAY_MILLIS} before its 250. */
        DELAY_THEN_ACCEPT,
        /** Takes the whole message and hangs up without answering the final dot. */
        DROP_AFTER_DATA
    }

    /** How long {@link Behaviour#DELAY_THEN_ACCEPT} waits before the 250. */
    public static final long DELAY_MILLIS = 300;

    private final ServerSocket server;
    private final Thread thread;
    private final Deque<Behaviour> script = new ArrayDeque<>();
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> dataSeen = Collections.synchronizedList(new ArrayList<>());
    private final List<Behaviour> connections = Collections.synchronizedList(new ArrayList<>());
    public final CountDownLatch stalled = new CountDownLatch(1);
    /** Called when a message's final dot arrived, before it is answered (tests kill the client from here). */
    public volatile Runnable onDot;
    /** Called right after a 250 to the final dot was written. */
    public volatile Runnable onAccepted;
    private volatile boolean closed;

    public ScriptedSmtpServer(Behaviour... behaviours) throws IOException {
        script.addAll(List.of(behaviours));
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Message texts received (with headers), in order. */
    public List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Every message text that reached the final dot, whatever the answer was, in order. */
    public List<String> dataSeen() {
        synchronized (dataSeen) {
            return List.copyOf(dataSeen);
        }
    }

    public List<Behaviour> connections() {
        synchronized (connections) {
            return List.copyOf(connections);
        }
    }

    private void serve() {
        while (!closed) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(60_000);
                Behaviour b;
                synchronized (script) {
                    b = script.isEmpty() ? Behaviour.ACCEPT : script.poll();
                }
                connections.add(b);
                converse(s, b);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void converse(Socket s, Behaviour b) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        if (b == Behaviour.GREET_421) {
            reply(out, "421 4.3.2 scripted: service not available, try later");
            return;
        }
        reply(out, "220 scripted.test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
            switch (cmd) {
                case "EHLO" -> reply(out, "250-scripted.test\r\n250 8BITMIME");
                case "HELO" -> reply(out, "250 scripted.test");
                case "MAIL" -> reply(out, "250 2.1.0 ok");
                case "RCPT" -> reply(out, b == Behaviour.RCPT_550
                        || (b == Behaviour.RCPT_550_NOBODY && line.contains(":<nobody@"))
                        ? "550 5.1.1 scripted: no such user" : "250 2.1.5 ok");
                case "RSET" -> reply(out, "250 ok");
                case "DATA" -> {
                    reply(out, "354 go ahead");
                    StringBuilder msg = new StringBuilder();
                    String d;
                    while ((d = in.readLine()) != null && !d.equals(".")) {
                        msg.append(d.startsWith("..") ? d.substring(1) : d).append('\n');
                    }
                    dataSeen.add(msg.toString());
                    Runnable dot = onDot;
                    if (dot != null) {
                        dot.run();
                    }
                    if (b == Behaviour.DATA_421) {
                        reply(out, "421 4.3.2 scripted: not now, try later");
                        return;
                    }
                    if (b == Behaviour.DROP_AFTER_DATA) {
                        return; // hang up without a word
                    }
                    if (b == Behaviour.DELAY_THEN_ACCEPT) {
                        try {
                            Thread.sleep(DELAY_MILLIS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    if (b == Behaviour.STALL_AFTER_DATA) {
                        stalled.countDown();
                        // Say nothing until the client goes away (killed) or the socket times out.
                        while (in.readLine() != null) {
                            // discard
                        }
                        return;
                    }
                    received.add(msg.toString());
                    reply(out, "250 2.0.0 queued");
                    Runnable accepted = onAccepted;
                    if (accepted != null) {
                        accepted.run();
                    }
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                default -> reply(out, "502 5.5.2 not implemented");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
