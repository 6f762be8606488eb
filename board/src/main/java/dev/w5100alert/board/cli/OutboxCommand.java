package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.outbox.OutboxControl;
import dev.w5100alert.board.outbox.OutboxFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code outbox list | retry | drop}: the queue as an operator sees it, safe while the service runs (like
 * Postfix's mailq and postsuper). {@code list} reads the outbox file without locking it (the service only
 * appends forced records and replaces the file atomically). {@code retry} and {@code drop} apply directly when
 * no service holds the outbox's lock, and otherwise hand the running service a command file and wait for its
 * answer ({@link OutboxControl}). Run them as the service's user, so that the files they write belong to it.
 */
@Command(name = "outbox", mixinStandardHelpOptions = true,
        description = "Shows and manages the queue of alerts waiting to be sent (works while the service runs).",
        subcommands = {OutboxCommand.ListCommand.class, OutboxCommand.RetryCommand.class,
                OutboxCommand.DropCommand.class},
        footer = OutboxCommand.HELP)
public final class OutboxCommand implements Callable<Integer> {

    static final String HELP = """
            Exit codes:
              0  done
              1  no such queued alert, the outbox could not be read or written,
                 or the running service did not answer within --wait (the
                 command stays queued and is applied when the service looks)
              2  usage error
              3  invalid configuration file""";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }

    /** Loads the configuration; the outbox directory and retry settings come from it. */
    abstract static class Base extends Main.Io implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "default: " + Main.DEFAULT_CONFIG)
        Path config = Path.of(Main.DEFAULT_CONFIG);

        @Override
        public final Integer call() {
            BoardConfig cfg = load(config);
            if (cfg == null) {
                return ExitCodes.BAD_CONFIG;
            }
            try {
                return run(cfg, cfg.outbox().directory());
            } catch (IOException e) {
                err.println("outbox " + cfg.outbox().directory() + ": " + e.getMessage());
                return ExitCodes.NOT_DELIVERED;
            }
        }

        abstract int run(BoardConfig cfg, Path dir) throws IOException;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, footer = HELP,
            description = "One line per queued alert (id, sensor, subject, attempts, next try, last error), "
                    + "then 'N queued'.")
    static final class ListCommand extends Base {
        @Override
        int run(BoardConfig cfg, Path dir) throws IOException {
            List<Outbox.Entry> entries = Outbox.snapshot(OutboxFiles.system(), dir);
            long now = System.currentTimeMillis();
            for (Outbox.Entry e : entries) {
                out.println(line(e, now));
            }
            out.println(entries.size() + " queued");
            return ExitCodes.OK;
        }

        static String line(Outbox.Entry e, long nowMillis) {
            String next = e.attempts() == 0 || e.nextTryMillis() <= nowMillis ? "now"
                    : Instant.ofEpochMilli(e.nextTryMillis()).truncatedTo(ChronoUnit.SECONDS).toString();
            return "id=" + e.id() + " sensor=" + quote(e.sensor()) + " subject=" + quote(e.subject())
                    + " attempts=" + e.attempts() + " next=" + next
                    + " last-error=" + (e.lastError().isEmpty() ? "-" : quote(e.lastError()));
        }

        /** Quoted, with quotes, backslashes and control characters escaped: one line per alert, always. */
        static String quote(String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            return b.append('"').toString();
        }
    }

    /** retry and drop: directly when no service runs, else through the running service. */
    abstract static class Change extends Base {
        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "10",
                description = "how long to wait for the running service to answer (default: ${DEFAULT-VALUE})")
        int waitSeconds;

        abstract String commandLine();

        @Override
        int run(BoardConfig cfg, Path dir) throws IOException {
            if (waitSeconds < 0 || waitSeconds > 3600) {
                err.println("--wait must be 0..3600 seconds");
                return ExitCodes.USAGE;
            }
            OutboxFiles files = OutboxFiles.system();
            if (!files.exists(dir.resolve("outbox.log"))) {
                err.println("no outbox in " + dir + " (nothing was ever queued there)");
                return ExitCodes.NOT_DELIVERED;
            }
            String answer;
            BoardConfig.OutboxSettings o = cfg.outbox();
            try (Outbox outbox = Outbox.open(dir, o.capacity(),
                    new Backoff(o.retryInitial().toNanos(), o.retryMax().toNanos(), System.nanoTime()),
                    o.giveUpAfter().toMillis(), Log.to(err, false))) {
                answer = OutboxControl.apply(outbox, commandLine());
            } catch (Outbox.InUseException running) {
                String name = OutboxControl.submit(files, dir, commandLine());
                long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
                answer = OutboxControl.answer(files, dir, name);
                while (answer == null && System.nanoTime() - deadline < 0) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    answer = OutboxControl.answer(files, dir, name);
                }
                if (answer == null) {
                    err.println("the running service did not answer within " + waitSeconds + " s; the command stays"
                            + " queued in " + dir.resolve("commands") + " and is applied when the service looks");
                    return ExitCodes.NOT_DELIVERED;
                }
            }
            if (answer.startsWith("OK ")) {
                out.println(answer.substring(3));
                return ExitCodes.OK;
            }
            err.println(answer.startsWith("NOTFOUND ") ? answer.substring(9)
                    : answer.startsWith("ERROR ") ? answer.substring(6) : answer);
            return ExitCodes.NOT_DELIVERED;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true, footer = HELP,
            description = "Makes the alert ID (or, without ID, every queued alert) due now.")
    static final class RetryCommand extends Change {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "alert id from `outbox list`")
        Long id;

        @Override
        String commandLine() {
            return id == null ? "retry all" : "retry " + id;
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true, footer = HELP,
            description = "Removes the alert ID from the queue and records it in failed.txt beside the outbox.")
    static final class DropCommand extends Change {
        @Parameters(index = "0", paramLabel = "ID", description = "alert id from `outbox list`")
        long id;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "dropped by the operator",
                description = "recorded in failed.txt and the log (default: ${DEFAULT-VALUE})")
        String reason;

        @Override
        String commandLine() {
            return "drop " + id + " " + reason.replace('\n', ' ').replace('\r', ' ');
        }
    }
}
