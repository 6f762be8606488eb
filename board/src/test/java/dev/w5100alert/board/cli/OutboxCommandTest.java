package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.board.testing.ScriptedSmtpServer;
import dev.w5100alert.board.testing.ScriptedSmtpServer.Behaviour;
import dev.w5100alert.hal.Clock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code outbox list / retry / drop} against a service loop running in this JVM (simulated board, a server that
 * answers 421 to every connection so alerts stay queued), and then with the service stopped.
 */
class OutboxCommandTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        List<String> lines() {
            return Arrays.asList(out.split("\n"));
        }
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), k -> null, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result listUntil(Path config, Predicate<Result> done) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Result r = cli("outbox", "list", "--config", config.toString());
        while (!done.test(r) && System.nanoTime() - deadline < 0) {
            Thread.sleep(100);
            r = cli("outbox", "list", "--config", config.toString());
        }
        return r;
    }

    @Test
    void listRetryAndDropWorkWhileTheServiceRunsAndAfterItStopped() throws Exception {
        Path outbox = dir.resolve("outbox");
        Path config = dir.resolve("board.conf");
        Files.writeString(config, """
                [network]
                mac = 02:00:5e:10:00:01
                ip = 192.168.1.50
                subnet = 255.255.255.0
                gateway = 192.168.1.1
                [smtp]
                server = 192.168.1.10
                port = 25
                # a plain test server: this test is not about TLS
                tls = none
                sender = alarm@example.org
                recipients = ops@example.org
                timeout = 10s
                [outbox]
                directory = %s
                retry-initial = 1h
                retry-max = 2h
                [sensor door]
                pin = 17
                """.formatted(outbox));
        BoardConfig cfg = new ConfigParser(k -> null).parse(config);
        Behaviour[] always421 = new Behaviour[500];
        Arrays.fill(always421, Behaviour.GREET_421);
        Log.Recording log = new Log.Recording();
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(always421);
             SimulatedBoard board = SimulatedBoard.start(cfg, server.port(), outbox, Clock.SYSTEM, log, null,
                     200_000_000L)) {
            board.stack.bringUp();
            for (int i = 1; i <= 3; i++) {
                board.stack.outbox.offer(new Alert(0, "door", System.currentTimeMillis(), "Door \"open\" #" + i,
                        "body " + i, cfg.smtp().recipients(), null, null));
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread service = new Thread(() -> {
                try {
                    board.stack.agent.run(stop::get, 1_000_000_000L);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, "service");
            service.start();
            try {
                Result r = listUntil(config, x -> x.out.contains("id=3 ") && x.out.contains("id=3 sensor=\"door\" subject=\"Door \\\"open\\\" #3\" attempts=1"));
                assertEquals(0, r.code, r.err);
                assertEquals(4, r.lines().size(), r.out);
                assertEquals("3 queued", r.lines().get(3));
                assertTrue(r.lines().get(0).matches("id=1 sensor=\"door\" subject=\"Door \\\\\"open\\\\\" #1\" attempts=1 "
                        + "next=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ last-error=\".*421.*\""), r.lines().get(0));

                assertThrows(Outbox.InUseException.class, () -> Outbox.open(outbox, 10,
                        new Backoff(1, 2, 1), 1000, log), "a second writer is refused while the service runs");

                Result retry = cli("outbox", "retry", "--config", config.toString(), "2");
                assertEquals(0, retry.code, retry.err);
                assertEquals("alert 2 due now\n", retry.out);
                r = listUntil(config, x -> x.out.contains("id=2 sensor=\"door\" subject=\"Door \\\"open\\\" #2\" attempts=2"));
                assertTrue(r.out.contains("id=2 sensor=\"door\" subject=\"Door \\\"open\\\" #2\" attempts=2"),
                        "the service tried alert 2 again at once: " + r.out);
                assertTrue(r.out.contains("id=1 sensor=\"door\" subject=\"Door \\\"open\\\" #1\" attempts=1"), r.out);

                Result drop = cli("outbox", "drop", "--config", config.toString(), "3", "--reason", "test drop");
                assertEquals(0, drop.code, drop.err);
                assertTrue(drop.out.startsWith("alert 3 moved to "), drop.out);
                r = cli("outbox", "list", "--config", config.toString());
                assertEquals("2 queued", r.lines().get(r.lines().size() - 1), r.out);
                assertTrue(!r.out.contains("id=3 "), r.out);
                String failed = Files.readString(outbox.resolve("failed.txt"));
                assertTrue(failed.contains("Door \"open\" #3") && failed.contains("test drop"), failed);

                Result missing = cli("outbox", "retry", "--config", config.toString(), "99");
                assertEquals(1, missing.code);
                assertTrue(missing.err.contains("no queued alert 99"), missing.err);
                assertTrue(log.contains("command \"drop 3 test drop\""), log.lines()::toString);
            } finally {
                stop.set(true);
                service.join(30_000);
            }
        }
        // Service stopped: the commands apply to the file directly.
        Result drop = cli("outbox", "drop", "--config", config.toString(), "1");
        assertEquals(0, drop.code, drop.err);
        Result retryAll = cli("outbox", "retry", "--config", config.toString());
        assertEquals(0, retryAll.code, retryAll.err);
        assertEquals("1 alert(s) due now\n", retryAll.out);
        Result r = cli("outbox", "list", "--config", config.toString());
        assertEquals(List.of("id=2", "1"), List.of(r.lines().get(0).split(" ")[0], r.lines().get(1).split(" ")[0]), r.out);
        assertTrue(r.lines().get(0).contains(" next=now "), "retried: due now, also in the file: " + r.out);
        assertTrue(Files.readString(outbox.resolve("failed.txt")).contains("dropped by the operator"));
    }

    @Test
    void listOfAnOutboxThatDoesNotExistSaysZeroQueued() throws Exception {
        Path config = dir.resolve("c.conf");
        Files.writeString(config, """
                [network]
                mac = 02:00:5e:10:00:01
                ip = 192.168.1.50
                subnet = 255.255.255.0
                gateway = 192.168.1.1
                [smtp]
                server = 192.168.1.10
                sender = alarm@example.org
                recipients = ops@example.org
                [outbox]
                directory = %s
                [sensor door]
                pin = 17
                """.formatted(dir.resolve("none")));
        Result r = cli("outbox", "list", "--config", config.toString());
        assertEquals(0, r.code, r.err);
        assertEquals("0 queued\n", r.out);
        Result drop = cli("outbox", "drop", "--config", config.toString(), "1");
        assertEquals(1, drop.code);
        assertTrue(drop.err.contains("no outbox in"), drop.err);
    }
}
