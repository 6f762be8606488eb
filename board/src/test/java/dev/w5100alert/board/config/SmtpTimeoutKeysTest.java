package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.stack.BoardStack;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The [smtp] timeout keys: one per stage, "timeout" for the stages without their own, RFC 5321 otherwise. */
class SmtpTimeoutKeysTest {

    private final ConfigParser parser = new ConfigParser(Map.of("W5100_SMTP_PASSWORD", "pw")::get);

    private BoardConfig parse(String smtpLines) throws ConfigException {
        String text = ConfigParserTest.VALID.replace("recipients = ops@example.org, me@example.org\n",
                "recipients = ops@example.org, me@example.org\n" + smtpLines);
        return parser.parse("board.conf", Arrays.asList(text.split("\n", -1)), Path.of("."), null);
    }

    @Test
    void withoutAnyTimeoutKeyEveryStageWaitsWhatRfc5321Gives() throws Exception {
        BoardConfig c = parse("");
        assertEquals(SmtpTimeouts.RFC_5321, c.smtp().timeouts());
        assertEquals(600_000, BoardStack.smtpConfig(c).timeouts().dataEnd(), "10 minutes for the final dot");
        assertTrue(c.warnings().isEmpty(), c.warnings()::toString);
    }

    @Test
    void theTimeoutKeySetsEveryStageWithoutAKeyOfItsOwn() throws Exception {
        BoardConfig c = parse("timeout = 45s\ntimeout-data-end = 12m\ntimeout-rcpt = 2m\n");
        SmtpTimeouts t = BoardStack.smtpConfig(c).timeouts();
        assertEquals(new SmtpTimeouts(45_000, 45_000, 45_000, 45_000, 45_000, 120_000, 45_000, 45_000, 720_000,
                45_000, 45_000), t);
        assertTrue(c.warnings().isEmpty(), c.warnings()::toString);
    }

    @Test
    void everyStageHasItsOwnKey() throws Exception {
        BoardConfig c = parse("""
                timeout-connect = 11s
                timeout-greeting = 12s
                timeout-ehlo = 13s
                timeout-auth = 14s
                timeout-mail = 15s
                timeout-rcpt = 16s
                timeout-data = 17s
                timeout-data-block = 18s
                timeout-data-end = 19m
                timeout-rset = 20s
                timeout-quit = 21s
                """);
        assertEquals(new SmtpTimeouts(11_000, 12_000, 13_000, 14_000, 15_000, 16_000, 17_000, 18_000, 1_140_000,
                20_000, 21_000), c.smtp().timeouts());
    }

    @Test
    void warnsWhenTheEndOfDataWaitsLessThanTheRfcSays() throws Exception {
        BoardConfig viaTimeout = parse("timeout = 60s\n");
        assertEquals(60_000, viaTimeout.smtp().timeouts().dataEnd());
        assertTrue(viaTimeout.warnings().stream().anyMatch(w -> w.startsWith("smtp.timeout (it also sets the end of data")
                && w.contains("timeout-data-end = 10m")), viaTimeout.warnings()::toString);
        BoardConfig own = parse("timeout-data-end = 9m\n");
        assertTrue(own.warnings().stream().anyMatch(w -> w.startsWith("smtp.timeout-data-end is 9m")),
                own.warnings()::toString);
    }

    @Test
    void aBadStageTimeoutNamesItsKeyAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("timeout-data-end = 0s\n"));
        assertEquals(1, e.errors().size(), e.errors()::toString);
        assertEquals("smtp.timeout-data-end", e.errors().get(0).key());
        assertEquals(13, e.errors().get(0).line());
        ConfigException f = assertThrows(ConfigException.class, () -> parse("timeout-dot = 5m\n"));
        assertTrue(f.errors().get(0).toString().contains("unknown key"), f.errors()::toString);
    }

    @Test
    void theShippedSampleWaitsTenMinutesForTheFinalDotAndSixtySecondsElsewhere() throws Exception {
        Path sample = Path.of("deploy/w5100-alert.conf");
        BoardConfig c = parser.parse("w5100-alert.conf", Files.readAllLines(sample), Path.of("."), null);
        SmtpTimeouts t = c.smtp().timeouts();
        assertEquals(600_000, t.dataEnd());
        assertEquals(60_000, t.greeting());
        assertTrue(c.warnings().stream().noneMatch(w -> w.contains("timeout")), c.warnings()::toString);
    }
}
