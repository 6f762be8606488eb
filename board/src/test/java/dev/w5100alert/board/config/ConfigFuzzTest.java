package dev.w5100alert.board.config;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.w5100alert.board.alert.SensorAlerter;
import dev.w5100alert.board.mail.AlertCheck;
import dev.w5100alert.board.stack.BoardStack;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutants of real configurations (the shipped sample, the demo's, the tests'): the parser either
 * returns a configuration or throws {@link ConfigException}, nothing else, and never hangs. A configuration it
 * accepts must also build the firmware's network and SMTP settings and pass the worst-case alert check, so
 * "OK" keeps meaning "the service starts".
 *
 * <p>CI runs {@value #CI_MUTANTS} mutants per seed. The long run:
 * {@code mvn -B -pl board -am verify -Dtest=ConfigFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dconfig.fuzz.mutants=25000}
 * (four seeds, 100,000 mutants). A failure names its mutant seed; replay it with {@code -Dconfig.fuzz.replay=SEED}.
 */
class ConfigFuzzTest {

    static final int CI_MUTANTS = 1500;

    /** Values a hostile user would try, spliced in whole. */
    static final String[] TOKENS = {
        "0", "+25", "-1", "025", "65535", "65536", "99999999999", "\u0662\u0665", "\uFF12\uFF15", "0.0.0.0",
        "255.255.255.255", "192.168.001.050", "1.2.3", "1.2.3.4.5", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
        "02:00:5e:10:00:01", "\u0000", "\u0001", "\u007F", "\u0085", "\\n", "\\", "\\\\", "\\t", "{", "}", "{{}",
        "{changes}", "{changes}".repeat(40), "{state}".repeat(60), "{sensor}", "{nope}", "x".repeat(300),
        "y".repeat(17_000), "[]", "[ ]", "[sensor]", "[sensor a b]", "[smtp]", "[network]", "[sensor door]", "=",
        " = ", "#", ";", "\uFEFF", "\u00e9", "\uD83D\uDEA8", "\uD800", "a@b", "a@[1.2.3.4]", "@", "a@b,a@b",
        "500ms", "0s", "30d", "999999999d", "1x", "true", "yes", "off", "maybe", "none", "auto", "login", "/dev/zero",
        "/", "..", "pw", "SMTP_PW", "UNSET_VAR", "password-file", "password-env", "password", "username",
        "allow-plaintext-auth", "csv-events = 1000", "active-name", "subject", "body", "pin", "reset-pin = 17",
    };

    @TempDir
    Path tmp;

    private final ConfigParser parser = new ConfigParser(Map.of("SMTP_PW", "s3cret")::get);

    static List<String> corpus() throws IOException {
        List<String> c = new ArrayList<>();
        c.add(ConfigParserTest.VALID);
        c.add(Files.readString(Path.of("deploy/w5100-alert.conf")).replace("password-env = W5100_SMTP_PASSWORD",
                "password-env = SMTP_PW"));
        try (InputStream in = ConfigParser.class.getResourceAsStream("/dev/w5100alert/board/demo.conf")) {
            c.add(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("W5100_DEMO_PASSWORD", "SMTP_PW"));
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void mutantsAreParsedOrRefusedWithAConfigExceptionAndNothingElse(long seed) throws Exception {
        Files.writeString(tmp.resolve("pw"), "s3cret\n");
        List<String> corpus = corpus();
        String replay = System.getProperty("config.fuzz.replay");
        int n = Integer.getInteger("config.fuzz.mutants", CI_MUTANTS);
        // A guard against a hang (every mutant takes well under a millisecond), not a speed requirement.
        assertTimeoutPreemptively(Duration.ofSeconds(60 + n / 100), () -> {
            if (replay != null) {
                one(corpus, Long.parseLong(replay));
                return;
            }
            int accepted = 0;
            for (int i = 0; i < n; i++) {
                accepted += one(corpus, seed * 1_000_000_007L + i) ? 1 : 0;
            }
            System.out.println("config fuzz seed " + seed + ": " + n + " mutants, " + accepted + " accepted, "
                    + (n - accepted) + " refused with a ConfigException, 0 other exceptions");
            // The mutator must reach both sides, or the property proves little.
            if (n >= 100 && (accepted == 0 || accepted == n)) {
                throw new AssertionError("mutants all on one side: " + accepted + " of " + n + " accepted");
            }
        });
    }

    /** True when the mutant was accepted. */
    private boolean one(List<String> corpus, long mutantSeed) {
        SplittableRandom r = new SplittableRandom(mutantSeed);
        String text = mutate(corpus.get(r.nextInt(corpus.size())), r);
        try {
            BoardConfig c = parser.parse("fuzz.conf", Arrays.asList(text.split("\n", -1)), tmp, null);
            BoardStack.networkConfig(c.network());
            BoardStack.smtpConfig(c);
            AlertCheck check = new AlertCheck(c.smtp().sender(), c.smtp().sender().substring(c.smtp().sender().indexOf('@') + 1));
            for (BoardConfig.Sensor s : c.sensors()) {
                String problem = check.problem(SensorAlerter.worstCase(s));
                if (problem != null) {
                    throw new AssertionError("accepted but not sendable (" + problem + "); " + describe(mutantSeed, text));
                }
            }
            return true;
        } catch (ConfigException e) {
            for (ConfigError err : e.errors()) {
                if (err.key() == null || err.key().isEmpty() || err.line() < 0 || err.message().contains("Exception")) {
                    throw new AssertionError("malformed error " + err + "; " + describe(mutantSeed, text));
                }
            }
            return false;
        } catch (RuntimeException | Error e) {
            AssertionError a = new AssertionError(e + "; " + describe(mutantSeed, text));
            a.initCause(e);
            throw a;
        }
    }

    static String describe(long seed, String text) {
        String shown = text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
        return "mutant seed " + seed + " (replay with -Dconfig.fuzz.replay=" + seed + "):\n" + shown;
    }

    static String mutate(String base, SplittableRandom r) {
        List<String> lines = new ArrayList<>(Arrays.asList(base.split("\n", -1)));
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = r.nextInt(lines.size());
            String line = lines.get(at);
            switch (r.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> { // replace the value
                    int eq = line.indexOf('=');
                    lines.set(at, (eq < 0 ? line + " =" : line.substring(0, eq + 1)) + " " + token(r));
                }
                case 3 -> lines.set(at, insert(line, token(r), r));
                case 4 -> lines.set(at, insert(line, String.valueOf((char) r.nextInt(0x3000)), r));
                case 5 -> { // flip one character
                    if (!line.isEmpty()) {
                        int i = r.nextInt(line.length());
                        lines.set(at, line.substring(0, i) + (char) (line.charAt(i) ^ (1 << r.nextInt(8)))
                                + line.substring(i + 1));
                    }
                }
                case 6 -> lines.add(at, token(r) + " = " + token(r));
                case 7 -> lines.set(at, line.substring(0, r.nextInt(line.length() + 1)));
                default -> {
                    int other = r.nextInt(lines.size());
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
            }
            if (lines.isEmpty()) {
                lines.add("");
            }
        }
        return String.join("\n", lines);
    }

    private static String token(SplittableRandom r) {
        return TOKENS[r.nextInt(TOKENS.length)];
    }

    private static String insert(String line, String s, SplittableRandom r) {
        int i = r.nextInt(line.length() + 1);
        return line.substring(0, i) + s + line.substring(i);
    }
}
