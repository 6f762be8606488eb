package dev.w5100alert.board.outbox;

import dev.w5100alert.board.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code outbox retry} and {@code outbox drop} while the service runs, in the manner of Postfix's postsuper
 * handing work to the queue manager.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>The command tries to open the outbox itself. The service holds the exclusive lock on
 *       {@code outbox.lock} while it runs; if the lock is free, no service is running and the command is
 *       applied directly to the file (and the lock released).</li>
 *   <li>If the lock is held, the command writes one line ({@code retry all}, {@code retry ID} or
 *       {@code drop ID REASON}) to {@code commands/NAME.tmp} in the outbox directory and renames it to
 *       {@code NAME.cmd}: the service never sees half a command.</li>
 *   <li>The service looks into {@code commands/} at most every {@value #POLL_MILLIS} ms from its loop, applies
 *       each {@code .cmd} in name order (the records it writes are forced like any other), writes its answer
 *       to {@code NAME.done} (again through a rename) and deletes the {@code .cmd}.</li>
 *   <li>The command waits for {@code NAME.done} (bounded), prints the answer and deletes it. If the service
 *       does not answer in time, the {@code .cmd} stays and is applied when the service next looks.</li>
 * </ol>
 * An answer starts with {@code OK}, {@code NOTFOUND} or {@code ERROR}. {@code outbox list} needs no protocol:
 * the service only appends forced records and replaces the file by an atomic rename, so a plain read sees a
 * whole file (at worst with a record still being appended at its end, which the reader skips).
 */
public final class OutboxControl {
    private OutboxControl() { }

    static final String DIR = "commands";
    static final long POLL_MILLIS = 500;
    private static final int MAX_COMMAND_BYTES = 4096;
    private static final int MAX_PER_POLL = 16;

    /** Applies one command line to an open outbox; returns the answer line. */
    public static String apply(Outbox o, String line) {
        String[] w = line.strip().split(" ", 3);
        try {
            if (w.length >= 2 && w[0].equals("retry")) {
                if (w[1].equals("all")) {
                    int n = 0;
                    for (long id : o.pendingIds()) {
                        n += o.retryNow(id) ? 1 : 0;
                    }
                    return "OK " + n + " alert(s) due now";
                }
                long id = Long.parseLong(w[1]);
                return o.retryNow(id) ? "OK alert " + id + " due now" : "NOTFOUND no queued alert " + id;
            }
            if (w.length >= 2 && w[0].equals("drop")) {
                long id = Long.parseLong(w[1]);
                if (!o.pendingIds().contains(id)) {
                    return "NOTFOUND no queued alert " + id;
                }
                String reason = w.length > 2 && !w[2].isBlank() ? w[2] : "dropped by the operator";
                o.permanentFailure(id, "dropped with outbox drop: " + reason);
                return "OK alert " + id + " moved to " + o.directory().resolve("failed.txt");
            }
            return "ERROR unknown command: " + line.strip();
        } catch (NumberFormatException e) {
            return "ERROR not an alert id: " + (w.length > 1 ? w[1] : "");
        } catch (IOException e) {
            return "ERROR cannot write the outbox: " + e.getMessage();
        }
    }

    /** Hands a command to the running service: writes it to {@code commands/}; returns the name to wait for. */
    public static String submit(OutboxFiles files, Path outboxDir, String line) throws IOException {
        Path dir = outboxDir.resolve(DIR);
        files.createDirectories(dir);
        String name = "c" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        byte[] b = (line.replace('\n', ' ').replace('\r', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
        writeDurably(files, dir.resolve(name + ".tmp"), b, dir.resolve(name + ".cmd"));
        files.forceDirectory(dir);
        return name;
    }

    /** Writes {@code b} to {@code tmp}, forces it to storage and renames it to {@code target}: all or nothing. */
    private static void writeDurably(OutboxFiles files, Path tmp, byte[] b, Path target) throws IOException {
        try (OutboxFiles.Handle h = files.open(tmp)) {
            h.write(0, b, 0, b.length);
            h.force();
        }
        files.replace(tmp, target);
    }

    /** The service's answer to command {@code name}, or null if it has not answered yet (then deleted). */
    public static String answer(OutboxFiles files, Path outboxDir, String name) throws IOException {
        Path done = outboxDir.resolve(DIR).resolve(name + ".done");
        if (!files.exists(done)) {
            return null;
        }
        String text = new String(files.read(done, MAX_COMMAND_BYTES), StandardCharsets.UTF_8).strip();
        files.delete(done);
        return text;
    }

    /** The service side: polled from the loop through {@link Outbox#serveCommands(long)}. */
    static final class Service {
        private final Outbox outbox;
        private final OutboxFiles files;
        private final Path dir;
        private final Log log;
        private long nextPoll;
        private boolean polled;

        Service(Outbox outbox, OutboxFiles files, Path outboxDir, Log log) {
            this.outbox = outbox;
            this.files = files;
            this.dir = outboxDir.resolve(DIR);
            this.log = log;
        }

        int poll(long nowNanos) {
            if (polled && nowNanos - nextPoll < 0) {
                return 0;
            }
            polled = true;
            nextPoll = nowNanos + POLL_MILLIS * 1_000_000L;
            List<String> commands = new ArrayList<>();
            try {
                for (String n : files.list(dir)) {
                    if (n.endsWith(".cmd")) {
                        commands.add(n);
                    }
                }
            } catch (IOException | RuntimeException e) { // a directory listing can also fail unchecked
                log.warn("outbox", "cannot read " + dir + ": " + Log.reason(e));
                return 0;
            }
            commands.sort(null);
            int done = 0;
            for (String n : commands) {
                if (done == MAX_PER_POLL) {
                    break;
                }
                done++;
                serve(n.substring(0, n.length() - 4));
            }
            return done;
        }

        private void serve(String name) {
            Path cmd = dir.resolve(name + ".cmd");
            String answer;
            String line = "";
            try {
                line = new String(files.read(cmd, MAX_COMMAND_BYTES), StandardCharsets.UTF_8).strip();
                answer = apply(outbox, line);
            } catch (IOException | RuntimeException e) {
                answer = "ERROR cannot read the command: " + e.getMessage();
            }
            log.info("outbox", "command \"" + line + "\": " + answer);
            try {
                byte[] b = (answer + "\n").getBytes(StandardCharsets.UTF_8);
                writeDurably(files, dir.resolve(name + ".answer"), b, dir.resolve(name + ".done"));
                files.delete(cmd);
                files.forceDirectory(dir);
            } catch (IOException e) {
                log.warn("outbox", "cannot answer command " + name + ": " + Log.reason(e));
                try {
                    files.delete(cmd); // never apply one command twice
                } catch (IOException ignored) {
                    // logged above
                }
            }
        }
    }
}
