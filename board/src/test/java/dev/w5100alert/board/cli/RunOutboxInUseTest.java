package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.outbox.Backoff;
import dev.w5100alert.board.outbox.Outbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second `run` on an outbox another process holds says so in one line and exits 3. */
class RunOutboxInUseTest {

    @TempDir
    Path dir;

    @Test
    void aSecondRunOnTheSameOutboxSaysStopTheOtherOne() throws Exception {
        Path outbox = dir.resolve("outbox");
        Path conf = dir.resolve("my.conf");
        Files.writeString(conf, CommandLineHostileTest.PLAIN.replace("directory = outbox", "directory = " + outbox));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Outbox running = Outbox.open(outbox, 10, new Backoff(1_000_000_000L, 2_000_000_000L, 1), 86_400_000L,
                new Log.Recording())) {
            int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), Map.<String, String>of()::get,
                    "run", "--simulated", "--config", conf.toString(), "--smtp-port", String.valueOf(closedPort));
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(ExitCodes.BAD_CONFIG, code, e);
            assertTrue(e.contains("is in use by a running w5100-alert") && e.contains("stop the other one first"), e);
            assertFalse(e.contains("Exception") || e.contains("may write there"), e);
        }
    }
}
