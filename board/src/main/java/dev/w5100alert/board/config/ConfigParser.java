package dev.w5100alert.board.config;

import dev.w5100alert.board.alert.Template;
import dev.w5100alert.board.alert.SensorAlerter;
import dev.w5100alert.board.mail.AlertCheck;
import dev.w5100alert.board.mail.EngineTransport;
import dev.w5100alert.firmware.codec.CommandWriter;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and validates the board's configuration file (format: see the root {@code README.md} and
 * {@code board/deploy/w5100-alert.conf}).
 *
 * <p>The format is a strict INI dialect so that the JDK alone can parse it and every error can name
 * its line: {@code [section]} or {@code [sensor NAME]} headers, {@code key = value} lines, and whole
 * line comments starting with {@code #} or {@code ;}. Values run to the end of the line; {@code \n}
 * in a value is a line break and {@code \\} a backslash. Unknown sections and keys, duplicates,
 * missing keys and bad values are all errors: a typo must never silently fall back to a default.
 *
 * <p>Strict means: numbers are ASCII digits without sign or leading zeros, control characters are refused
 * in every line, only a regular file is read and at most {@link #MAX_FILE_BYTES} of it, and a configuration
 * is accepted only when the service can start with it and every alert it can raise is sendable (each
 * sensor's worst-case alert, {@link SensorAlerter#worstCase}, passes the message limits and rendering that a
 * real send uses). {@code config check} and {@code run} both come here, so they cannot disagree.
 *
 * <p>All errors are collected (not just the first) and thrown together as a {@link ConfigException};
 * each names the key, the line and what is wrong. Warnings (for example a credentials file readable
 * by other users) do not stop the program and are returned in {@link BoardConfig#warnings()}.
 */
public final class ConfigParser {

    /** Bound on the file size: a configuration file is small, anything larger is a mistake. */
    public static final int MAX_FILE_BYTES = 256 * 1024;
    static final int MAX_SENSORS = 32;

    private static final Pattern SENSOR_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern MAILBOX = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@([A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})*|\\[[0-9.]{7,15}])");
    private static final Pattern HOSTNAME = Pattern.compile(
            "[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})*|\\[[0-9.]{7,15}]");

    private static final Pattern TLS_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private static final Map<String, Set<String>> KEYS = Map.of(
            "network", Set.of("mac", "mode", "ip", "subnet", "gateway", "dhcp-fallback", "dns"),
            "time", Set.of("ntp", "wait-for-time"),
            "hardware", Set.of("spi-bus", "spi-chip-select", "spi-clock-hz", "reset-pin", "int-pin", "spi-driver"),
            "smtp", Set.of("server", "port", "helo", "sender", "recipients", "username", "password",
                    "password-file", "password-env", "allow-plaintext-auth", "auth", "timeout",
                    "timeout-connect", "timeout-greeting", "timeout-ehlo", "timeout-auth", "timeout-mail",
                    "timeout-rcpt", "timeout-data", "timeout-data-block", "timeout-data-end", "timeout-rset",
                    "timeout-quit", "tls", "ca-file", "tls-server-name"),
            "outbox", Set.of("directory", "capacity", "retry-initial", "retry-max", "give-up-after"),
            "status", Set.of("port"),
            "heartbeat", Set.of("every", "at"),
            "sensor", Set.of("pin", "pull", "active", "debounce", "active-name", "inactive-name", "subject", "body",
                    "recipients", "min-interval", "coalesce", "csv-events"));

    private final Function<String, String> environment;

    /** @param environment looks up environment variables ({@code System::getenv} on the board) */
    public ConfigParser(Function<String, String> environment) {
        this.environment = environment;
    }

    /** Reads, parses and validates {@code file}. */
    public BoardConfig parse(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            text = BoundedFile.readUtf8(file, MAX_FILE_BYTES);
        } catch (BoundedFile.Problem e) {
            throw new ConfigException(List.of(new ConfigError(name, 0, "(file)", e.getMessage())));
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(name, List.of(text.split("\r\n|\n|\r", -1)), dir, file);
    }

    /**
     * Reads and validates the file named by {@code path} as typed by a person (a command-line argument):
     * a path the file system cannot even name (a NUL in it) is a configuration error, not a crash.
     */
    public BoardConfig parse(String path) throws ConfigException {
        Path file;
        try {
            file = Path.of(path);
        } catch (InvalidPathException e) {
            throw new ConfigException(List.of(new ConfigError(BoundedFile.printable(path), 0, "(file)",
                    "is not a usable file name (" + e.getReason() + ")")));
        }
        return parse(file);
    }

    /**
     * Parses lines already read. {@code baseDir} resolves relative paths ({@code password-file},
     * {@code outbox.directory}); {@code source} (may be null) is checked for permissions when it holds a
     * password.
     */
    public BoardConfig parse(String name, List<String> lines, Path baseDir, Path source) throws ConfigException {
        Reader r = new Reader(name);
        r.lex(lines);
        BoardConfig config = r.build(baseDir, source);
        if (!r.errors.isEmpty()) {
            r.errors.sort((a, b) -> Integer.compare(a.line(), b.line()));
            throw new ConfigException(r.errors);
        }
        return config;
    }

    /** One {@code key = value} line; {@code bad} when the line was already reported (its value is not used). */
    private record Entry(String value, int line, boolean bad) {
        Entry(String value, int line) {
            this(value, line, false);
        }
    }

    private static final class Section {
        final String kind;
        final String arg;
        final int line;
        final Map<String, Entry> entries = new LinkedHashMap<>();

        Section(String kind, String arg, int line) {
            this.kind = kind;
            this.arg = arg;
            this.line = line;
        }

        String keyPrefix() {
            return arg == null ? kind : kind + "." + arg;
        }
    }

    private final class Reader {
        final String file;
        final List<ConfigError> errors = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Map<String, Section> sections = new LinkedHashMap<>();
        final List<Section> sensors = new ArrayList<>();

        Reader(String file) {
            this.file = file;
        }

        void error(int line, String key, String message) {
            errors.add(new ConfigError(file, line, key, message));
        }

        void lex(List<String> lines) {
            Section current = null;
            boolean skipping = false; // keys under a rejected header are not reported again
            for (int i = 0; i < lines.size(); i++) {
                int n = i + 1;
                String raw = lines.get(i);
                String line = raw.strip();
                if (i == 0 && line.startsWith("\uFEFF")) {
                    line = line.substring(1).strip();
                }
                if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                    continue;
                }
                int control = controlCharacter(line);
                if (control >= 0) {
                    int eqAt = line.indexOf('=');
                    String where = line.startsWith("[") || eqAt < 0 || current == null
                            ? (current == null ? "(section)" : current.keyPrefix())
                            : current.keyPrefix() + "." + line.substring(0, eqAt).strip();
                    error(n, where, "contains the control character " + String.format("U+%04X", (int) line.charAt(control))
                            + " at column " + (raw.indexOf(line.charAt(control)) + 1)
                            + "; values are plain text (write a line break as \\n)");
                    if (line.startsWith("[")) {
                        current = null;
                        skipping = true;
                    } else if (current != null && eqAt > 0 && !skipping) {
                        // Known to be there, so nothing reports it missing; its value is never used.
                        current.entries.putIfAbsent(line.substring(0, eqAt).strip(), new Entry("", n, true));
                    }
                    continue;
                }
                if (line.startsWith("[")) {
                    current = header(line, n);
                    skipping = current == null;
                    continue;
                }
                if (skipping) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    error(n, current == null ? "(none)" : current.keyPrefix(),
                            "expected 'key = value', '[section]' or a comment, found '" + abbreviate(line) + "'");
                    continue;
                }
                String key = line.substring(0, eq).strip();
                String value = line.substring(eq + 1).strip();
                if (current == null) {
                    error(n, key.isEmpty() ? "(none)" : key, "key outside any section; put it under a [section] header");
                    continue;
                }
                String dotted = current.keyPrefix() + "." + key;
                if (!KEY.matcher(key).matches()) {
                    error(n, dotted, "is not a valid key name (lower-case letters, digits and '-')");
                    continue;
                }
                if (!KEYS.get(current.kind).contains(key)) {
                    error(n, dotted, "unknown key in [" + current.kind + "]; known keys: "
                            + String.join(", ", KEYS.get(current.kind).stream().sorted().toList()));
                    continue;
                }
                Entry previous = current.entries.get(key);
                if (previous != null) {
                    error(n, dotted, "duplicate key; first set on line " + previous.line());
                    continue;
                }
                String unescaped = unescape(value, n, dotted);
                if (unescaped != null) {
                    current.entries.put(key, new Entry(unescaped, n));
                }
            }
        }

        private Section header(String line, int n) {
            if (!line.endsWith("]")) {
                error(n, "(section)", "section header must end with ']'");
                return null;
            }
            String inner = line.substring(1, line.length() - 1).strip();
            if (inner.isEmpty()) {
                error(n, "(section)", "empty section header []; expected [network], [hardware], [smtp], [outbox], "
                        + "[time], [status], [heartbeat] or [sensor NAME]");
                return null;
            }
            String[] parts = inner.split("\\s+");
            String kind = parts[0];
            if (!KEYS.containsKey(kind)) {
                error(n, kind, "unknown section; expected [network], [hardware], [smtp], [outbox], [time], [status], "
                        + "[heartbeat] or [sensor NAME]");
                return null;
            }
            if (kind.equals("sensor")) {
                if (parts.length != 2 || !SENSOR_NAME.matcher(parts[1]).matches()) {
                    error(n, "sensor", "sensor section needs one name of 1-32 letters, digits, '_' or '-': [sensor door]");
                    return null;
                }
            } else if (parts.length != 1) {
                error(n, kind, "section [" + kind + "] takes no name");
                return null;
            }
            Section s = new Section(kind, kind.equals("sensor") ? parts[1] : null, n);
            Section previous = sections.get(s.keyPrefix());
            if (previous != null) {
                error(n, s.keyPrefix(), "duplicate section; first on line " + previous.line);
                return null;
            }
            sections.put(s.keyPrefix(), s);
            if (kind.equals("sensor")) {
                sensors.add(s);
            }
            return s;
        }

        private String unescape(String value, int line, String key) {
            if (value.indexOf('\\') < 0) {
                return value;
            }
            StringBuilder sb = new StringBuilder(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i + 1 == value.length()) {
                    error(line, key, "value ends with a lone '\\'; write '\\\\' for a backslash");
                    return null;
                }
                char e = value.charAt(++i);
                if (e == 'n') {
                    sb.append('\n');
                } else if (e == '\\') {
                    sb.append('\\');
                } else {
                    error(line, key, "unknown escape '\\" + e + "'; only \\n and \\\\ are allowed");
                    return null;
                }
            }
            return sb.toString();
        }

        // ---------------------------------------------------------------- typed accessors

        private Section required(String kind) {
            Section s = sections.get(kind);
            if (s == null) {
                error(0, kind, "missing section [" + kind + "]");
            }
            return s;
        }

        private Entry entry(Section s, String key, boolean required) {
            if (s == null) {
                return null;
            }
            Entry e = s.entries.get(key);
            if (e == null && required) {
                error(s.line, s.keyPrefix() + "." + key, "missing; required in [" + s.kind
                        + (s.arg == null ? "" : " " + s.arg) + "]");
            }
            return e == null || e.bad() ? null : e;
        }

        private String k(Section s, String key) {
            return s.keyPrefix() + "." + key;
        }

        String string(Section s, String key, String dflt, boolean required) {
            Entry e = entry(s, key, required);
            if (e == null) {
                return dflt;
            }
            if (e.value().isEmpty()) {
                error(e.line(), k(s, key), "is empty");
                return dflt;
            }
            return e.value();
        }

        int integer(Section s, String key, int dflt, int min, int max, boolean required) {
            Entry e = entry(s, key, required);
            if (e == null) {
                return dflt;
            }
            long v = asciiNumber(e.value(), 10);
            if (v < 0) {
                error(e.line(), k(s, key), "'" + abbreviate(e.value()) + "' is not a whole number written with the "
                        + "digits 0-9 (no sign, no leading zeros)");
                return dflt;
            }
            if (v < min || v > max) {
                error(e.line(), k(s, key), "is " + v + "; must be between " + min + " and " + max);
                return dflt;
            }
            return (int) v;
        }

        boolean bool(Section s, String key, boolean dflt) {
            Entry e = entry(s, key, false);
            if (e == null) {
                return dflt;
            }
            return switch (e.value()) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> {
                    error(e.line(), k(s, key), "'" + abbreviate(e.value()) + "' is not true/false");
                    yield dflt;
                }
            };
        }

        /** Refuses 0.0.0.0 and 255.255.255.255 where one host's address is needed; returns null after an error. */
        byte[] unicast(Section s, String key, byte[] v, String what) {
            if (v == null) {
                return null;
            }
            int a = Ipv4.toInt(v);
            if (a == 0 || a == -1) {
                error(s.entries.get(key).line(), k(s, key), Ipv4.format(v) + " cannot be " + what
                        + "; give one host's IPv4 address like 192.168.1.20");
                return null;
            }
            return v;
        }

        byte[] ip(Section s, String key, boolean required) {
            Entry e = entry(s, key, required);
            if (e == null) {
                return null;
            }
            byte[] v = Ipv4.parse(e.value());
            if (v == null) {
                error(e.line(), k(s, key), "'" + abbreviate(e.value())
                        + "' is not an IPv4 address like 192.168.1.20");
            }
            return v;
        }

        Duration duration(Section s, String key, Duration dflt, Duration min, Duration max) {
            Entry e = entry(s, key, false);
            if (e == null) {
                return dflt;
            }
            Duration d = parseDuration(e.value());
            if (d == null) {
                error(e.line(), k(s, key), "'" + abbreviate(e.value())
                        + "' is not a duration; write a number and a unit: 500ms, 30s, 5m, 2h, 3d");
                return dflt;
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                error(e.line(), k(s, key), "is " + e.value() + "; must be between " + human(min) + " and " + human(max));
                return dflt;
            }
            return d;
        }

        List<String> mailboxes(Section s, String key, List<String> dflt, boolean required) {
            Entry e = entry(s, key, required);
            if (e == null) {
                return dflt;
            }
            List<String> out = new ArrayList<>();
            for (String part : e.value().split(",", -1)) {
                String m = part.strip();
                if (!MAILBOX.matcher(m).matches()) {
                    error(e.line(), k(s, key), "'" + abbreviate(m) + "' is not a mailbox like name@example.org");
                    return dflt;
                }
                if (out.contains(m)) {
                    error(e.line(), k(s, key), "'" + m + "' is listed twice");
                    return dflt;
                }
                out.add(m);
            }
            if (out.size() > 32) {
                error(e.line(), k(s, key), "has " + out.size() + " recipients; at most 32");
                return dflt;
            }
            return List.copyOf(out);
        }

        /** A state name goes into the subject and the CSV attachment: one line of text, no separators of CSV. */
        String stateName(Section s, String key, String dflt) {
            String v = string(s, key, dflt, false);
            if (v.indexOf('\n') >= 0) {
                error(s.entries.get(key).line(), k(s, key), "a state name cannot contain a line break (\\n); it "
                        + "goes into the subject");
                return dflt;
            }
            if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0) {
                error(s.entries.get(key).line(), k(s, key), "a state name cannot contain ',' or '\"'; it is a "
                        + "column of the CSV attachment");
                return dflt;
            }
            return v;
        }

        String template(Section s, String key, String dflt) {
            Entry e = entry(s, key, false);
            if (e == null) {
                return dflt;
            }
            String problem = Template.check(e.value());
            if (problem != null) {
                error(e.line(), k(s, key), problem);
                return dflt;
            }
            return e.value();
        }

        // ---------------------------------------------------------------- building

        BoardConfig build(Path baseDir, Path source) {
            BoardConfig.Network network = network();
            BoardConfig.Hardware hardware = hardware();
            BoardConfig.Smtp smtp = smtp(baseDir, source);
            BoardConfig.OutboxSettings outbox = outbox(baseDir);
            BoardConfig.Time time = time(network);
            checkAddresses(network, smtp);
            checkNames(network, smtp, time);
            List<BoardConfig.Sensor> sensorList = new ArrayList<>();
            Map<Integer, String> pins = new LinkedHashMap<>();
            if (hardware != null && hardware.resetPin() >= 0) {
                pins.put(hardware.resetPin(), "hardware.reset-pin");
            }
            if (hardware != null && hardware.intPin() >= 0) {
                String other = pins.putIfAbsent(hardware.intPin(), "hardware.int-pin");
                if (other != null) {
                    error(sections.get("hardware").entries.get("int-pin").line(), "hardware.int-pin",
                            "GPIO " + hardware.intPin() + " is already used by " + other);
                }
            }
            if (sensors.isEmpty()) {
                error(0, "sensor", "no [sensor NAME] section; at least one sensor is needed");
            }
            if (sensors.size() > MAX_SENSORS) {
                error(sensors.get(MAX_SENSORS).line, sensors.get(MAX_SENSORS).keyPrefix(),
                        "too many sensors; at most " + MAX_SENSORS);
            }
            for (Section s : sensors) {
                BoardConfig.Sensor sensor = sensor(s, smtp == null ? List.of() : smtp.recipients());
                if (sensor != null && sensor.pin() >= 0) {
                    String other = pins.putIfAbsent(sensor.pin(), k(s, "pin"));
                    if (other != null) {
                        error(s.entries.get("pin").line(), k(s, "pin"), "GPIO " + sensor.pin() + " is already used by " + other);
                    }
                }
                sensorList.add(sensor);
            }
            if (!errors.isEmpty()) {
                return null;
            }
            BoardConfig.Status status = status();
            BoardConfig.Heartbeat heartbeat = heartbeat();
            if (!errors.isEmpty()) {
                return null;
            }
            BoardConfig config = new BoardConfig(network, hardware, smtp, outbox, time, List.copyOf(sensorList),
                    List.copyOf(warnings), status, heartbeat);
            checkSendable(config);
            return errors.isEmpty() ? config : null;
        }

        /**
         * Every alert the configuration can produce must be sendable: each sensor's worst-case alert
         * ({@link SensorAlerter#worstCase}) goes through the same limits and rendering as a real send. An
         * error names the key to change (the subject, body or csv-events line, or the section header
         * when the value is a default).
         */
        private void checkSendable(BoardConfig config) {
            String sender = config.smtp().sender();
            AlertCheck check;
            Section smtpSection = sections.get("smtp");
            try {
                check = new AlertCheck(sender, sender.substring(sender.indexOf('@') + 1));
            } catch (IllegalArgumentException e) {
                error(smtpSection.entries.get("sender").line(), "smtp.sender", "cannot be used for the Message-ID: "
                        + e.getMessage());
                return;
            }
            for (int i = 0; i < config.sensors().size(); i++) {
                BoardConfig.Sensor sensor = config.sensors().get(i);
                Section s = sensors.get(i);
                var worst = SensorAlerter.worstCase(sensor);
                String state = SensorAlerter.longer(sensor.activeName(), sensor.inactiveName());
                String longest = " with the longest values filled in (state '" + abbreviate(state) + "', count "
                        + Integer.MAX_VALUE + ", the full {changes} text)";
                int subject = worst.subject().getBytes(StandardCharsets.UTF_8).length;
                int body = worst.body().getBytes(StandardCharsets.UTF_8).length;
                int csv = worst.csv() == null ? 0 : worst.csv().getBytes(StandardCharsets.UTF_8).length;
                boolean sized = false;
                if (subject > EngineTransport.LIMITS.maxSubjectBytes()) {
                    error(lineOf(s, "subject"), k(s, "subject"), "is " + subject + " bytes" + longest + "; a subject "
                            + "is at most " + EngineTransport.LIMITS.maxSubjectBytes() + " bytes: shorten the subject "
                            + "or the state names");
                    sized = true;
                }
                if (body > EngineTransport.LIMITS.maxBodyBytes()) {
                    error(lineOf(s, "body"), k(s, "body"), "is " + body + " bytes" + longest + "; a body is at most "
                            + EngineTransport.LIMITS.maxBodyBytes() + " bytes");
                    sized = true;
                }
                if (csv > EngineTransport.LIMITS.maxAttachmentBytes()) {
                    error(lineOf(s, "csv-events"), k(s, "csv-events"), "makes a CSV attachment of up to " + csv
                            + " bytes; at most " + EngineTransport.LIMITS.maxAttachmentBytes() + ": fewer events or "
                            + "shorter state names");
                    sized = true;
                }
                if (!sized) {
                    String problem = check.problem(worst);
                    if (problem != null) {
                        error(s.line, s.keyPrefix(), "an alert of this sensor could not be sent" + longest + ": "
                                + problem);
                    }
                }
            }
        }

        private int lineOf(Section s, String key) {
            Entry e = s.entries.get(key);
            return e == null ? s.line : e.line();
        }


        /**
         * Addresses no TCP connection can use: a multicast or reserved (class E) address for the board or the
         * server, the board's own address as the server, or the board on its subnet's network or broadcast
         * address.
         */
        private void checkAddresses(BoardConfig.Network network, BoardConfig.Smtp smtp) {
            if (network != null && network.ip() != null) {
                int ip = Ipv4.toInt(network.ip());
                int line = sections.get("network").entries.get("ip").line();
                if ((ip >>> 28) >= 0xE) {
                    error(line, "network.ip", Ipv4.format(network.ip()) + " is a multicast or reserved address; give "
                            + "the board one host's address");
                } else if (network.subnet() != null) {
                    int mask = Ipv4.toInt(network.subnet());
                    if (mask != -1 && mask != -2 && ((ip & ~mask) == 0 || (ip | mask) == -1)) {
                        error(line, "network.ip", Ipv4.format(network.ip()) + " is the "
                                + ((ip & ~mask) == 0 ? "network" : "broadcast") + " address of its subnet "
                                + Ipv4.format(network.subnet()) + "; give the board a host address");
                    }
                }
            }
            if (smtp != null && smtp.server() != null) {
                int server = Ipv4.toInt(smtp.server());
                int line = sections.get("smtp").entries.get("server").line();
                if ((server >>> 28) >= 0xE) {
                    error(line, "smtp.server", smtp.serverText() + " is a multicast or reserved address; SMTP needs "
                            + "one host's address");
                } else if (network != null && network.ip() != null && server == Ipv4.toInt(network.ip())) {
                    error(line, "smtp.server", smtp.serverText() + " is the board's own network.ip");
                }
            }
        }

        BoardConfig.Network network() {
            Section s = required("network");
            if (s == null) {
                return null;
            }
            Entry macEntry = entry(s, "mac", true);
            byte[] mac = null;
            if (macEntry != null) {
                mac = Ipv4.parseMac(macEntry.value());
                if (mac == null) {
                    error(macEntry.line(), "network.mac", "'" + abbreviate(macEntry.value())
                            + "' is not a MAC address like 02:00:5e:10:00:01");
                } else if (java.util.Arrays.equals(mac, new byte[6])) {
                    error(macEntry.line(), "network.mac", "00:00:00:00:00:00 is not a usable address; "
                            + "use a locally administered one, e.g. 02:xx:xx:xx:xx:xx");
                    mac = null;
                } else if ((mac[0] & 1) != 0) {
                    error(macEntry.line(), "network.mac", "is a multicast address (lowest bit of the first byte set); "
                            + "use a unicast one, e.g. a locally administered 02:xx:xx:xx:xx:xx");
                    mac = null;
                }
            }
            BoardConfig.AddressMode mode = BoardConfig.AddressMode.STATIC;
            Entry modeEntry = entry(s, "mode", false);
            if (modeEntry != null) {
                switch (modeEntry.value()) {
                    case "dhcp" -> mode = BoardConfig.AddressMode.DHCP;
                    case "static" -> mode = BoardConfig.AddressMode.STATIC;
                    default -> error(modeEntry.line(), "network.mode", "'" + abbreviate(modeEntry.value())
                            + "' is not dhcp or static");
                }
            }
            Duration fallback = null;
            Entry fb = entry(s, "dhcp-fallback", false);
            if (fb != null && mode == BoardConfig.AddressMode.STATIC) {
                error(fb.line(), "network.dhcp-fallback", "only applies with mode = dhcp (this board is static)");
            } else if (fb != null && !fb.value().equals("off")) {
                fallback = duration(s, "dhcp-fallback", null, Duration.ofSeconds(10), Duration.ofHours(24));
            }
            boolean staticKeys = mode == BoardConfig.AddressMode.STATIC || fallback != null;
            if (!staticKeys) {
                for (String key : new String[] {"ip", "subnet", "gateway"}) {
                    Entry e = s.entries.get(key);
                    if (e != null) {
                        error(e.line(), "network." + key, "mode = dhcp takes the address from the DHCP server; remove "
                                + key + ", or set dhcp-fallback = 60s to use the static keys when no lease comes");
                    }
                }
            }
            byte[] ip = null;
            byte[] subnet = null;
            byte[] gateway = null;
            if (staticKeys) {
                ip = unicast(s, "ip", ip(s, "ip", true), "the board's own address");
                subnet = ip(s, "subnet", true);
                gateway = ip(s, "gateway", true);
                if (subnet != null) {
                    int m = Ipv4.toInt(subnet);
                    if (m == 0 || (~m & (~m + 1)) != 0) {
                        error(s.entries.get("subnet").line(), "network.subnet", Ipv4.format(subnet)
                                + " is not a contiguous subnet mask like 255.255.255.0");
                        subnet = null;
                    }
                }
                if (ip != null && subnet != null && gateway != null) {
                    int m = Ipv4.toInt(subnet);
                    if ((Ipv4.toInt(ip) & m) != (Ipv4.toInt(gateway) & m)) {
                        error(s.entries.get("gateway").line(), "network.gateway", Ipv4.format(gateway)
                                + " is not in the board's subnet " + Ipv4.format(ip) + "/" + Ipv4.format(subnet));
                    }
                }
            }
            List<byte[]> dns = List.of();
            Entry de = entry(s, "dns", false);
            if (de != null) {
                List<byte[]> list = new ArrayList<>();
                for (String part : de.value().split(",", -1)) {
                    byte[] a = Ipv4.parse(part.strip());
                    if (a == null || Ipv4.toInt(a) == 0 || Ipv4.toInt(a) == -1 || (Ipv4.toInt(a) >>> 28) >= 0xE) {
                        error(de.line(), "network.dns", "'" + abbreviate(part.strip()) + "' is not a DNS server's "
                                + "IPv4 address; write one to three like 192.168.1.1, 9.9.9.9");
                        list = null;
                        break;
                    }
                    list.add(a);
                }
                if (list != null && list.size() > 3) {
                    error(de.line(), "network.dns", "has " + list.size() + " servers; at most 3");
                    list = null;
                }
                dns = list == null ? List.of() : List.copyOf(list);
            }
            return new BoardConfig.Network(mac, ip, subnet, gateway, mode, fallback, dns);
        }

        /** {@code [time]}: absent means from-dhcp in DHCP mode and off in static mode. */
        BoardConfig.Time time(BoardConfig.Network network) {
            Section s = sections.get("time");
            boolean dhcp = network != null && network.dhcp();
            Duration wait = duration(s, "wait-for-time", Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(1));
            Entry e = s == null ? null : entry(s, "ntp", false);
            if (e == null) {
                return dhcp ? new BoardConfig.Time(BoardConfig.NtpMode.FROM_DHCP, List.of(), wait) : BoardConfig.Time.OFF;
            }
            String v = e.value().strip();
            if (v.equals("off")) {
                return new BoardConfig.Time(BoardConfig.NtpMode.OFF, List.of(), Duration.ZERO);
            }
            if (v.equals("from-dhcp")) {
                if (network != null && !network.dhcp()) {
                    error(e.line(), "time.ntp", "from-dhcp needs network.mode = dhcp; with a static address name the "
                            + "time servers (ntp = pool.ntp.org) or write off");
                }
                return new BoardConfig.Time(BoardConfig.NtpMode.FROM_DHCP, List.of(), wait);
            }
            List<String> servers = new ArrayList<>();
            for (String part : v.split("[\\s,]+")) {
                if (part.isEmpty()) {
                    continue;
                }
                byte[] literal = Ipv4.parse(part);
                if (literal == null && !hostName(part)) {
                    error(e.line(), "time.ntp", "'" + abbreviate(part) + "' is neither a time server's name nor an "
                            + "IPv4 address; write from-dhcp, off, or up to 4 servers like pool.ntp.org 192.168.1.1");
                    return BoardConfig.Time.OFF;
                }
                if (literal != null && (Ipv4.toInt(literal) == 0 || Ipv4.toInt(literal) == -1)) {
                    error(e.line(), "time.ntp", part + " cannot be a time server's address");
                    return BoardConfig.Time.OFF;
                }
                servers.add(literal != null ? Ipv4.format(literal) : part.toLowerCase(java.util.Locale.ROOT));
            }
            if (servers.size() > dev.w5100alert.firmware.ntp.SntpClient.MAX_SERVERS) {
                error(e.line(), "time.ntp", "names " + servers.size() + " servers; at most "
                        + dev.w5100alert.firmware.ntp.SntpClient.MAX_SERVERS);
                return BoardConfig.Time.OFF;
            }
            return new BoardConfig.Time(BoardConfig.NtpMode.SERVERS, List.copyOf(servers), wait);
        }

        /** A static board can look names up only with {@code network.dns}. */
        private void checkNames(BoardConfig.Network network, BoardConfig.Smtp smtp, BoardConfig.Time time) {
            if (network == null || network.dhcp() || !network.dns().isEmpty()) {
                return;
            }
            if (smtp != null && smtp.serverIsName() && smtp.serverHost() != null) {
                error(sections.get("smtp").entries.get("server").line(), "smtp.server", "'" + smtp.serverHost()
                        + "' is a host name, but a static board has no DNS server: set network.dns = IP, or give the "
                        + "server's IPv4 address");
            }
            if (time != null && time.ntp() == BoardConfig.NtpMode.SERVERS) {
                for (String name : time.servers()) {
                    if (Ipv4.parse(name) == null) {
                        error(sections.get("time").entries.get("ntp").line(), "time.ntp", "'" + name + "' is a host "
                                + "name, but a static board has no DNS server: set network.dns = IP, or give IPv4 "
                                + "addresses");
                        return;
                    }
                }
            }
        }

        BoardConfig.Hardware hardware() {
            Section s = sections.get("hardware");
            if (s == null) {
                return new BoardConfig.Hardware(0, 0, 8_000_000, -1);
            }
            int bus = integer(s, "spi-bus", 0, 0, 6, false);
            int cs = integer(s, "spi-chip-select", 0, 0, 2, false);
            // The W5100 datasheet allows SPI up to 14 MHz in mode 0.
            int hz = integer(s, "spi-clock-hz", 8_000_000, 100_000, 14_000_000, false);
            int reset = -1;
            Entry re = entry(s, "reset-pin", false);
            if (re != null && !re.value().equals("none")) {
                reset = integer(s, "reset-pin", -1, 0, 27, false);
            }
            int intPin = -1;
            Entry ie = entry(s, "int-pin", false);
            if (ie != null && !ie.value().equals("none")) {
                intPin = integer(s, "int-pin", -1, 0, 27, false);
            }
            BoardConfig.SpiDriver driver = BoardConfig.SpiDriver.SPIDEV;
            Entry de = entry(s, "spi-driver", false);
            if (de != null) {
                switch (de.value()) {
                    case "spidev" -> driver = BoardConfig.SpiDriver.SPIDEV;
                    case "pi4j" -> driver = BoardConfig.SpiDriver.PI4J;
                    default -> error(de.line(), "hardware.spi-driver", "'" + abbreviate(de.value())
                            + "' must be spidev or pi4j");
                }
            }
            return new BoardConfig.Hardware(bus, cs, hz, reset, intPin, driver);
        }

        BoardConfig.Smtp smtp(Path baseDir, Path source) {
            Section s = required("smtp");
            if (s == null) {
                return null;
            }
            byte[] server = null;
            String serverHost = null;
            Entry se = entry(s, "server", true);
            if (se != null) {
                byte[] literal = Ipv4.parse(se.value());
                if (literal != null) {
                    server = unicast(s, "server", literal, "the mail server's address");
                    serverHost = server == null ? null : Ipv4.format(server);
                } else if (hostName(se.value())) {
                    serverHost = se.value().toLowerCase(java.util.Locale.ROOT);
                } else {
                    error(se.line(), "smtp.server", "'" + abbreviate(se.value()) + "' is neither an IPv4 address "
                            + "like 192.168.1.10 nor a host name like smtp.example.org");
                }
            }
            int port = integer(s, "port", 25, 1, 65535, false);
            String helo = string(s, "helo", null, false);
            if (helo != null && !HOSTNAME.matcher(helo).matches()) {
                error(s.entries.get("helo").line(), "smtp.helo", "'" + abbreviate(helo)
                        + "' is not a host name or an address literal like [192.168.1.20]");
                helo = null;
            }
            List<String> sender = mailboxes(s, "sender", null, true);
            if (sender != null && sender.size() != 1) {
                error(s.entries.get("sender").line(), "smtp.sender", "must be exactly one mailbox");
                sender = null;
            }
            List<String> recipients = mailboxes(s, "recipients", List.of(), true);
            String username = string(s, "username", null, false);
            if (username != null && controlCharacter(username) >= 0) {
                error(s.entries.get("username").line(), "smtp.username", "contains a control character; "
                        + "a user name is printable text");
                username = null;
            }
            String password = password(s, baseDir, source);
            if (password != null && password.indexOf('\0') >= 0) {
                Entry pe = firstPasswordEntry(s);
                error(pe.line(), k(s, passwordKey(s)), "the password contains a NUL character, which AUTH PLAIN "
                        + "uses as its separator");
                password = null;
            }
            if (username != null && password != null) {
                int plain = username.getBytes(StandardCharsets.UTF_8).length
                        + password.getBytes(StandardCharsets.UTF_8).length + 2;
                if ((plain + 2) / 3 * 4 + 13 > CommandWriter.MAX_COMMAND_LINE) {
                    error(s.entries.get("username").line(), "smtp.username", "user name and password together are "
                            + "too long for one AUTH command line (" + CommandWriter.MAX_COMMAND_LINE + " bytes)");
                }
            }
            if (username != null && password == null && !hasPasswordSource(s)) {
                error(s.entries.get("username").line(), "smtp.username",
                        "is set but no password source is: add one of password-file, password-env or password");
            }
            if (!s.entries.containsKey("username") && hasPasswordSource(s)) {
                Entry e = firstPasswordEntry(s);
                error(e.line(), k(s, passwordKey(s)), "a password is given but smtp.username is not");
            }
            boolean plaintext = bool(s, "allow-plaintext-auth", false);
            BoardConfig.TlsSettings tls = tls(s, port, baseDir);
            if (username != null && !plaintext && tls.mode() == BoardConfig.TlsMode.NONE) {
                error(s.entries.get("username").line(), "smtp.username", "credentials are set but smtp.tls = none "
                        + "and smtp.allow-plaintext-auth is false, so AUTH would always be refused. Use "
                        + "smtp.tls = starttls or implicit, or set allow-plaintext-auth = true only for a server on "
                        + "a network you trust");
            }
            BoardConfig.Auth auth = BoardConfig.Auth.AUTO;
            Entry au = entry(s, "auth", false);
            if (au != null) {
                switch (au.value()) {
                    case "auto" -> auth = BoardConfig.Auth.AUTO;
                    case "login" -> auth = BoardConfig.Auth.LOGIN;
                    case "plain" -> auth = BoardConfig.Auth.PLAIN;
                    default -> error(au.line(), k(s, "auth"), "'" + abbreviate(au.value()) + "' must be auto, login or plain");
                }
            }
            Duration timeout = duration(s, "timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(10));
            SmtpTimeouts stages = stageTimeouts(s, s.entries.containsKey("timeout") ? timeout : null);
            return new BoardConfig.Smtp(server, serverHost, port, helo, sender == null ? null : sender.get(0), recipients,
                    username, password, plaintext, auth, timeout, stages, tls);
        }

        /** The TLS keys of [smtp]: tls, ca-file, tls-server-name. */
        private BoardConfig.TlsSettings tls(Section s, int port, Path baseDir) {
            BoardConfig.TlsMode mode = BoardConfig.TlsMode.defaultFor(port);
            Entry te = entry(s, "tls", false);
            if (te != null) {
                switch (te.value()) {
                    case "starttls" -> mode = BoardConfig.TlsMode.STARTTLS;
                    case "implicit" -> mode = BoardConfig.TlsMode.IMPLICIT;
                    case "none" -> mode = BoardConfig.TlsMode.NONE;
                    default -> error(te.line(), "smtp.tls", "'" + abbreviate(te.value())
                            + "' must be starttls, implicit or none");
                }
                if (mode == BoardConfig.TlsMode.STARTTLS && port == 465) {
                    warnings.add("smtp.tls = starttls (line " + te.line() + ") with port 465: that port normally "
                            + "expects implicit TLS (RFC 8314); use smtp.tls = implicit");
                } else if (mode == BoardConfig.TlsMode.IMPLICIT && (port == 587 || port == 25)) {
                    warnings.add("smtp.tls = implicit (line " + te.line() + ") with port " + port + ": that port "
                            + "normally speaks plain SMTP and offers STARTTLS; use smtp.tls = starttls");
                }
            }
            Path caPath = null;
            java.security.KeyStore anchors = null;
            List<String> subjects = List.of();
            Entry ce = entry(s, "ca-file", false);
            if (ce != null) {
                if (ce.value().isEmpty()) {
                    error(ce.line(), "smtp.ca-file", "is empty; give the path of a PEM file, or leave the key out to "
                            + "use the JDK's default trust store");
                } else {
                    caPath = baseDir == null ? Path.of(ce.value()) : baseDir.resolve(ce.value());
                    try {
                        PemCertificates.Loaded loaded = PemCertificates.load(caPath, System.currentTimeMillis());
                        anchors = loaded.keyStore();
                        subjects = loaded.subjects();
                        for (String w : loaded.warnings()) {
                            warnings.add("smtp.ca-file (line " + ce.line() + "): " + w);
                        }
                    } catch (PemCertificates.Problem p) {
                        error(ce.line(), "smtp.ca-file", p.getMessage());
                    }
                }
            }
            String name = null;
            Entry ne = entry(s, "tls-server-name", false);
            if (ne != null) {
                String v = ne.value();
                if (Ipv4.parse(v) != null) {
                    error(ne.line(), "smtp.tls-server-name", "'" + v + "' is an IP address; leave tls-server-name "
                            + "out and the certificate must carry smtp.server's address, or give the host name the "
                            + "certificate is issued to");
                } else if (!TLS_NAME.matcher(v).matches() || v.length() > 253) {
                    error(ne.line(), "smtp.tls-server-name", "'" + abbreviate(v) + "' is not a host name like "
                            + "mail.example.org (letters, digits, '-' and dots; no wildcard)");
                } else {
                    name = v;
                }
            }
            if (mode == BoardConfig.TlsMode.NONE) {
                for (Entry e : new Entry[] {ce, ne}) {
                    if (e != null) {
                        warnings.add("smtp." + (e == ce ? "ca-file" : "tls-server-name") + " (line " + e.line()
                                + ") has no effect with smtp.tls = none: no certificate is checked");
                    }
                }
            }
            return new BoardConfig.TlsSettings(mode, caPath, anchors, subjects, name);
        }

        /**
         * The {@code timeout-*} keys: each stage takes its own key, else {@code timeout} when that is set, else
         * RFC 5321 section 4.5.3.2's value ({@link SmtpTimeouts#RFC_5321}).
         */
        private SmtpTimeouts stageTimeouts(Section s, Duration all) {
            SmtpTimeouts rfc = SmtpTimeouts.RFC_5321;
            SmtpTimeouts t = new SmtpTimeouts(
                    stage(s, "timeout-connect", all, rfc.connect()),
                    stage(s, "timeout-greeting", all, rfc.greeting()),
                    stage(s, "timeout-ehlo", all, rfc.hello()),
                    stage(s, "timeout-auth", all, rfc.auth()),
                    stage(s, "timeout-mail", all, rfc.mail()),
                    stage(s, "timeout-rcpt", all, rfc.rcpt()),
                    stage(s, "timeout-data", all, rfc.dataStart()),
                    stage(s, "timeout-data-block", all, rfc.dataBlock()),
                    stage(s, "timeout-data-end", all, rfc.dataEnd()),
                    stage(s, "timeout-rset", all, rfc.rset()),
                    stage(s, "timeout-quit", all, rfc.quit()));
            if (t.dataEnd() < rfc.dataEnd()) {
                String from = s.entries.containsKey("timeout-data-end") ? "smtp.timeout-data-end"
                        : "smtp.timeout (it also sets the end of data while smtp.timeout-data-end is not set)";
                warnings.add(from + " is " + human(Duration.ofMillis(t.dataEnd())) + ", shorter than the 10 minutes "
                        + "RFC 5321 gives a server to answer the final dot: a slow server that did accept an alert "
                        + "may get it again; set timeout-data-end = 10m");
            }
            return t;
        }

        private long stage(Section s, String key, Duration all, long rfcMillis) {
            Duration dflt = all != null ? all : Duration.ofMillis(rfcMillis);
            return duration(s, key, dflt, Duration.ofSeconds(1), Duration.ofHours(1)).toMillis();
        }

        private boolean hasPasswordSource(Section s) {
            return firstPasswordEntry(s) != null;
        }

        private Entry firstPasswordEntry(Section s) {
            for (String key : List.of("password", "password-file", "password-env")) {
                if (s.entries.containsKey(key)) {
                    return s.entries.get(key);
                }
            }
            return null;
        }

        private String passwordKey(Section s) {
            for (String key : List.of("password", "password-file", "password-env")) {
                if (s.entries.containsKey(key)) {
                    return key;
                }
            }
            return "password";
        }

        /** Exactly one source; the value itself never appears in an error or a warning. */
        private String password(Section s, Path baseDir, Path source) {
            List<String> given = new ArrayList<>();
            for (String key : List.of("password", "password-file", "password-env")) {
                if (s.entries.containsKey(key)) {
                    given.add(key);
                }
            }
            if (given.size() > 1) {
                given.sort((a, b) -> Integer.compare(s.entries.get(a).line(), s.entries.get(b).line()));
                Entry second = s.entries.get(given.get(1));
                error(second.line(), k(s, given.get(1)), "only one password source may be given; "
                        + "smtp." + given.get(0) + " is also set (line " + s.entries.get(given.get(0)).line() + ")");
                return null;
            }
            if (given.isEmpty()) {
                return null;
            }
            String key = given.get(0);
            Entry e = s.entries.get(key);
            if (e.bad()) {
                return null;
            }
            if (e.value().isEmpty()) {
                error(e.line(), k(s, key), "is empty");
                return null;
            }
            switch (key) {
                case "password" -> {
                    warnIfReadableByOthers(source, "it holds smtp.password (line " + e.line() + ")");
                    warnings.add("smtp.password is written in the configuration file; prefer password-file "
                            + "(readable by the service only) or password-env");
                    return e.value();
                }
                case "password-env" -> {
                    String v = environment.apply(e.value());
                    if (v == null || v.isEmpty()) {
                        error(e.line(), k(s, key), "environment variable " + e.value() + " is not set or empty");
                        return null;
                    }
                    return v;
                }
                default -> {
                    Path p = path(baseDir, e, key, s);
                    if (p == null) {
                        return null;
                    }
                    try {
                        String text = BoundedFile.readUtf8(p, 4096);
                        String v = text.lines().findFirst().orElse("").strip();
                        if (v.isEmpty()) {
                            error(e.line(), k(s, key), "file " + p + " is empty; its first line must be the password");
                            return null;
                        }
                        warnIfReadableByOthers(p, "it holds the SMTP password");
                        return v;
                    } catch (BoundedFile.Problem ex) {
                        error(e.line(), k(s, key), "file " + p + " " + ex.getMessage());
                        return null;
                    }
                }
            }
        }

        /** A path a value names, relative to the configuration's directory; null after an error. */
        private Path path(Path baseDir, Entry e, String key, Section s) {
            try {
                return baseDir == null ? Path.of(e.value()) : baseDir.resolve(e.value());
            } catch (InvalidPathException ex) {
                error(e.line(), k(s, key), "is not a usable file name (" + ex.getReason() + ")");
                return null;
            }
        }

        private void warnIfReadableByOthers(Path p, String why) {
            if (p == null) {
                return;
            }
            try {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
                String advice = permissionAdvice(p, a.permissions(), a.owner(), a.group().getName());
                if (advice != null) {
                    warnings.add(advice.replace("{why}", why));
                }
            } catch (UnsupportedOperationException | IOException e) {
                warnings.add("cannot check the permissions of " + p + " (" + why + ")");
            }
        }

        BoardConfig.OutboxSettings outbox(Path baseDir) {
            Section s = sections.get("outbox");
            String dir = s == null ? "/var/lib/w5100-alert" : string(s, "directory", "/var/lib/w5100-alert", false);
            Path d;
            try {
                d = (baseDir == null ? Path.of(dir) : baseDir.resolve(dir)).normalize();
            } catch (InvalidPathException ex) {
                error(s.entries.get("directory").line(), "outbox.directory", "is not a usable directory name ("
                        + ex.getReason() + ")");
                d = Path.of("/var/lib/w5100-alert");
            }
            if (s == null) {
                return new BoardConfig.OutboxSettings(d, 1000, Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofDays(3));
            }
            if (s.entries.containsKey("directory") && Files.exists(d) && !Files.isDirectory(d)) {
                error(s.entries.get("directory").line(), "outbox.directory", d + " exists and is not a directory");
            }
            int capacity = integer(s, "capacity", 1000, 1, 100_000, false);
            Duration initial = duration(s, "retry-initial", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1));
            Duration max = duration(s, "retry-max", Duration.ofMinutes(30), Duration.ofMillis(100), Duration.ofDays(1));
            if (max.compareTo(initial) < 0) {
                error(s.entries.get("retry-max").line(), "outbox.retry-max", "is shorter than outbox.retry-initial");
            }
            Duration giveUp = duration(s, "give-up-after", Duration.ofDays(3), Duration.ofMinutes(1), Duration.ofDays(30));
            return new BoardConfig.OutboxSettings(d, capacity, initial, max, giveUp);
        }

        /** {@code [status] port = 80 | off}; off when the section or the key is absent. */
        BoardConfig.Status status() {
            Section s = sections.get("status");
            Entry e = s == null ? null : entry(s, "port", false);
            if (e == null || e.value().equals("off")) {
                return BoardConfig.Status.OFF;
            }
            long v = asciiNumber(e.value(), 10);
            if (v < 1 || v > 65535) {
                error(e.line(), "status.port", "'" + abbreviate(e.value()) + "' must be off or a port from 1 to 65535 "
                        + "(digits 0-9 only)");
                return BoardConfig.Status.OFF;
            }
            return new BoardConfig.Status((int) v);
        }

        /** {@code [heartbeat] every = 1d | off, at = 08:00}; off when the section or {@code every} is absent. */
        BoardConfig.Heartbeat heartbeat() {
            Section s = sections.get("heartbeat");
            if (s == null) {
                return BoardConfig.Heartbeat.OFF;
            }
            java.time.LocalTime at = java.time.LocalTime.of(8, 0);
            Entry a = entry(s, "at", false);
            if (a != null) {
                String v = a.value();
                long h = v.length() == 5 && v.charAt(2) == ':' ? asciiDigits(v.substring(0, 2)) : -1;
                long m = h < 0 ? -1 : asciiDigits(v.substring(3));
                if (h < 0 || h > 23 || m < 0 || m > 59) {
                    error(a.line(), "heartbeat.at", "'" + abbreviate(v) + "' must be a time of day HH:MM, 00:00 to 23:59");
                } else {
                    at = java.time.LocalTime.of((int) h, (int) m);
                }
            }
            Entry e = entry(s, "every", false);
            if (e == null || e.value().equals("off")) {
                return new BoardConfig.Heartbeat(null, at);
            }
            Duration every = duration(s, "every", null, Duration.ofMinutes(1), Duration.ofDays(30));
            return new BoardConfig.Heartbeat(every, at);
        }

        /** Two ASCII digits (a leading zero allowed, as in 08:05); -1 otherwise. */
        private static long asciiDigits(String two) {
            if (two.length() != 2) {
                return -1;
            }
            int a = two.charAt(0) - '0';
            int b = two.charAt(1) - '0';
            return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : a * 10L + b;
        }

        BoardConfig.Sensor sensor(Section s, List<String> defaultRecipients) {
            int pin = integer(s, "pin", -1, 0, 27, true);
            BoardConfig.Pull pull = BoardConfig.Pull.UP;
            Entry pe = entry(s, "pull", false);
            if (pe != null) {
                switch (pe.value()) {
                    case "up" -> pull = BoardConfig.Pull.UP;
                    case "down" -> pull = BoardConfig.Pull.DOWN;
                    case "off" -> pull = BoardConfig.Pull.OFF;
                    default -> error(pe.line(), k(s, "pull"), "'" + abbreviate(pe.value()) + "' must be up, down or off");
                }
            }
            boolean activeHigh = false;
            Entry ae = entry(s, "active", false);
            if (ae != null) {
                switch (ae.value()) {
                    case "high" -> activeHigh = true;
                    case "low" -> activeHigh = false;
                    default -> error(ae.line(), k(s, "active"), "'" + abbreviate(ae.value()) + "' must be high or low");
                }
            }
            Duration debounce = duration(s, "debounce", Duration.ofMillis(50), Duration.ZERO, Duration.ofSeconds(10));
            String activeName = stateName(s, "active-name", "active");
            String inactiveName = stateName(s, "inactive-name", "inactive");
            String subject = template(s, "subject", "[{sensor}] {state}");
            if (subject.indexOf('\n') >= 0) {
                error(s.entries.get("subject").line(), k(s, "subject"), "a subject cannot contain a line break (\\n)");
            }
            String body = template(s, "body", "Sensor {sensor} is {state} at {time}.\n{changes}");
            List<String> recipients = mailboxes(s, "recipients", defaultRecipients, false);
            Duration minInterval = duration(s, "min-interval", Duration.ofMinutes(5), Duration.ZERO, Duration.ofDays(1));
            boolean coalesce = bool(s, "coalesce", true);
            int csv = integer(s, "csv-events", 0, 0, 1000, false);
            return new BoardConfig.Sensor(s.arg, pin, pull, activeHigh, debounce, activeName, inactiveName,
                    new BoardConfig.AlertRule(subject, body, recipients, minInterval, coalesce, csv));
        }
    }

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    /**
     * An RFC 1123 host name: labels of letters, digits and inner hyphens (1-63 bytes), at most 253 bytes in all,
     * the last label not all digits (so 300.1.1.1 is not taken for a name).
     */
    static boolean hostName(String v) {
        if (v.isEmpty() || v.length() > 253 || v.endsWith(".")) {
            return false;
        }
        String[] labels = v.split("\\.", -1);
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Parses {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 3d}; null when not that shape. */
    public static Duration parseDuration(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        if (i == 0 || i > 9 || (i > 1 && text.charAt(0) == '0')) {
            return null;
        }
        long n = asciiNumber(text.substring(0, i), 10);
        return switch (text.substring(i)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> null;
        };
    }

    /**
     * A non-negative number of at most 9 ASCII digits, without sign or leading zeros ({@code 0} itself is
     * fine); -1 for anything else. {@link Integer#parseInt} would take {@code +25} and Arabic-Indic digits.
     */
    static long asciiNumber(String text, int radix) {
        if (text.isEmpty() || text.length() > 9 || (text.length() > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            int d = Ipv4.asciiDigit(text.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
        }
        return v;
    }

    /** Index of the first control character (C0 but tab, DEL, C1) in {@code text}, or -1. */
    static int controlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F)) {
                return i;
            }
        }
        return -1;
    }

    /** Group that the README's install gives the configuration and the password file. */
    static final String SERVICE_GROUP = "w5100-alert";

    /**
     * What to say about a file holding a secret, or null when its mode is fine. Readable by everyone: always
     * a warning. Readable by its group: fine when the group is the service's ({@value #SERVICE_GROUP}, as the
     * README installs it with 0640 root:w5100-alert) or the owner's own private group; otherwise a warning whose
     * advice keeps the service able to read the file. {@code {why}} in the text is filled in by the caller.
     */
    static String permissionAdvice(Path p, Set<PosixFilePermission> perms, UserPrincipal owner, String group) {
        if (perms.contains(PosixFilePermission.OTHERS_READ)) {
            return p + " is readable by every user of this machine and {why}; run: chmod o-rwx " + p
                    + " (the README's install is mode 0640 owned by root:" + SERVICE_GROUP + ")";
        }
        if (perms.contains(PosixFilePermission.GROUP_READ)
                && !group.equals(SERVICE_GROUP) && !group.equals(owner.getName())) {
            return p + " is readable by the members of group " + group + " and {why}; if the service runs as "
                    + SERVICE_GROUP + " as in the README, run: chgrp " + SERVICE_GROUP + " " + p + " (keeping mode 0640)";
        }
        return null;
    }

    static String human(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() % 86_400_000L == 0) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % 3_600_000L == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000L == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000L == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
