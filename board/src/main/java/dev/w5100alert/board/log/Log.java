package dev.w5100alert.board.log;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The board's log: one line per event, {@code LEVEL component: message}. On the Pi it goes to
 * stderr, which systemd hands to the journal ({@code journalctl -u w5100-alert}); tests capture it.
 * Callers never pass secrets here.
 */
public interface Log {

    enum Level { DEBUG, INFO, WARN, ERROR }

    void log(Level level, String component, String message);

    default void info(String component, String message) {
        log(Level.INFO, component, message);
    }

    default void warn(String component, String message) {
        log(Level.WARN, component, message);
    }

    default void error(String component, String message) {
        log(Level.ERROR, component, message);
    }

    /**
     * An I/O failure in a person's words for a log line ("no such file", "permission denied", "No space left on
     * device"), never an exception class name; the file is named by the caller.
     */
    static String reason(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : "I/O error";
    }

    /** Writes to a stream; with {@code timestamps} each line starts with the UTC time. */
    static Log to(PrintStream out, boolean timestamps) {
        return (level, component, message) -> {
            String line = level + " " + component + ": " + message;
            if (timestamps) {
                line = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line;
            }
            synchronized (out) {
                out.println(line);
            }
        };
    }

    /** Keeps lines in memory (tests). */
    final class Recording implements Log {
        private final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void log(Level level, String component, String message) {
            lines.add(level + " " + component + ": " + message);
        }

        public synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        public synchronized boolean contains(String fragment) {
            return lines.stream().anyMatch(l -> l.contains(fragment));
        }
    }
}
