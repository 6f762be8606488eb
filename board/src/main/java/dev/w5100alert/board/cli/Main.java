package dev.w5100alert.board.cli;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigException;
import dev.w5100alert.board.config.ConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code w5100-alert} command line: {@code run}, {@code demo}, {@code send-test}, {@code diagnose}
 * and {@code config check}, each with {@code --help}, returning the {@link ExitCodes}.
 */
@Command(name = "w5100-alert", mixinStandardHelpOptions = true, version = "w5100-alert 0.1.0",
        description = "Sensor alert e-mail from a Raspberry Pi through a WIZnet W5100 Ethernet chip on SPI.",
        footer = ExitCodes.HELP,
        subcommands = {RunCommand.class, DemoCommand.class, SendTestCommand.class, DiagnoseCommand.class,
                Main.ConfigCommand.class, CommandLine.HelpCommand.class,
                OutboxCommand.class})
public final class Main implements Callable<Integer> {

    public static final String DEFAULT_CONFIG = "/etc/w5100-alert/w5100-alert.conf";
    /** Bound of {@code --board-clock-offset}: 100 years either way. */
    static final long MAX_CLOCK_OFFSET_SECONDS = 100L * 366 * 86_400;

    /** slf4j-simple's level for Pi4J's own loggers (off unless set on the command line). */
    static final String PI4J_LOG = "org.slf4j.simpleLogger.log.com.pi4j";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr()); // no command given: a usage error, on stderr
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        // GreenMail and Pi4J are chatty at INFO; the board has its own log.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        // Off a Pi (demo, tests) Pi4J's board detection complains that /proc/device-tree/model is missing.
        if (System.getProperty("org.slf4j.simpleLogger.log.com.pi4j.boardinfo") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.com.pi4j.boardinfo", "off");
        }
        // Without SPI, Pi4J logs its own ERROR line and a stack trace before the board explains the problem in
        // one line (see hardwareProblem). Pi4J's detail is for debugging only:
        // java -Dorg.slf4j.simpleLogger.log.com.pi4j=debug -jar w5100-alert.jar ...
        if (System.getProperty(PI4J_LOG) == null) {
            System.setProperty(PI4J_LOG, "off");
        }
        System.exit(execute(System.out, System.err, System::getenv, args));
    }

    /** Runs the command line with the given streams and environment; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, Function<String, String> env, String... args) {
        CommandLine cl = new CommandLine(new Main(), new Factory(out, err, env));
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        // A bad command line is one line on stderr naming the problem, exit 2 (no usage dump, no picocli types).
        cl.setParameterExceptionHandler((ex, arguments) -> {
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(name + ": " + usageMessage(ex) + " (see " + name + " --help)");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("internal error: " + e);
            e.printStackTrace(err);
            return ExitCodes.SOFTWARE;
        });
        return cl.execute(args);
    }

    /** picocli's message for a bad command line, in the words of this program. */
    static String usageMessage(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.OverwrittenOptionException o && o.getOverwritten() != null) {
            CommandLine.Model.ArgSpec a = o.getOverwritten();
            String name = a instanceof CommandLine.Model.OptionSpec opt ? opt.longestName() : a.paramLabel();
            return name + " is given more than once";
        }
        if (ex instanceof CommandLine.MaxValuesExceededException) {
            return "an option is given more than once";
        }
        String m = ex.getMessage() == null ? "invalid command line" : ex.getMessage();
        return m.replaceAll("\\s*\\(java\\.[^)]*\\)", "").replaceAll("\\s+", " ").strip();
    }

    /** Gives every command the streams and environment (so tests can run commands in-process). */
    static final class Factory implements CommandLine.IFactory {
        final PrintStream out;
        final PrintStream err;
        final Function<String, String> env;

        Factory(PrintStream out, PrintStream err, Function<String, String> env) {
            this.out = out;
            this.err = err;
            this.env = env;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            K k = CommandLine.defaultFactory().create(cls);
            if (k instanceof Io io) {
                io.out = out;
                io.err = err;
                io.env = env;
            }
            return k;
        }
    }

    /** Streams and environment shared by the commands. */
    abstract static class Io {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Function<String, String> env = System::getenv;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** A bad option value: one line on stderr and exit 2 (through the parameter exception handler). */
        CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }

        /** {@code value} must be a TCP port a server can listen on. */
        void checkPort(Integer value, String option) {
            if (value != null && (value < 1 || value > 65535)) {
                throw usage(option + " must be a TCP port from 1 to 65535, not " + value);
            }
        }

        /**
         * The options of a command that can run on the simulated board ({@code run}, {@code send-test},
         * {@code diagnose}): each needs {@code --simulated}, and each value must be in range.
         */
        void checkSimulatedOptions(boolean simulated, Integer smtpPort, long boardClockOffset) {
            if (smtpPort != null && !simulated) {
                throw usage("--smtp-port needs --simulated (on the Pi the configured smtp.server is used)");
            }
            checkPort(smtpPort, "--smtp-port");
            if (boardClockOffset != 0 && !simulated) {
                throw usage("--board-clock-offset needs --simulated (a real board has its own clock)");
            }
            if (Math.abs(boardClockOffset) > MAX_CLOCK_OFFSET_SECONDS) {
                throw usage("--board-clock-offset must be within +-" + MAX_CLOCK_OFFSET_SECONDS + " seconds");
            }
        }

        /** Parses and validates the file a person named, printing errors and warnings; null when invalid. */
        BoardConfig load(String file) {
            return report(parser -> parser.parse(file));
        }

        /** Parses and validates, printing errors and warnings; returns null (after printing) when invalid. */
        BoardConfig load(Path file) {
            return report(parser -> parser.parse(file));
        }

        private interface Parse {
            BoardConfig with(ConfigParser parser) throws ConfigException;
        }

        private BoardConfig report(Parse parse) {
            try {
                BoardConfig c = parse.with(new ConfigParser(env));
                for (String w : c.warnings()) {
                    err.println("warning: " + w);
                }
                return c;
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return null;
            }
        }

        /** The demo's built-in configuration, with {@code password} as its SMTP password. */
        BoardConfig builtInDemo(String password) throws IOException {
            try (InputStream in = Main.class.getResourceAsStream("/dev/w5100alert/board/demo.conf")) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                List<String> lines = Arrays.asList(text.split("\n", -1));
                return new ConfigParser(name -> name.equals("W5100_DEMO_PASSWORD") ? password : env.apply(name))
                        .parse("(built-in demo.conf)", lines, Path.of("."), null);
            } catch (ConfigException e) {
                throw new IllegalStateException("built-in demo configuration is invalid", e);
            }
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration file tools.",
            subcommands = {CheckCommand.class, ExampleCommand.class}, footer = ExitCodes.HELP)
    static final class ConfigCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr()); // no command given: a usage error, on stderr
            return ExitCodes.USAGE;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validates a configuration file exactly as `run` does; prints every error with its line and key.",
                    "OK means the service starts with it and every alert it can raise is sendable: each subject and "
                            + "body is filled in with the longest values it can take and checked against the "
                            + "message limits."},
            footer = ExitCodes.HELP)
    static final class CheckCommand extends Io implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "default: " + DEFAULT_CONFIG)
        String positional;

        @Option(names = "--config", paramLabel = "FILE", description = "the file to check (same as the FILE argument)")
        String option;

        @Override
        public Integer call() {
            if (positional != null && option != null) {
                throw usage("give the file once: either FILE or --config FILE");
            }
            String file = option != null ? option : positional != null ? positional : DEFAULT_CONFIG;
            BoardConfig c = load(file);
            if (c == null) {
                return ExitCodes.BAD_CONFIG;
            }
            out.println("OK: " + file + " (" + c.sensors().size() + " sensor(s), SMTP " + c.smtp().serverText() + ":"
                    + c.smtp().port() + ", outbox " + c.outbox().directory() + ")");
            out.println("   " + dev.w5100alert.board.mail.TlsMessages.describe(c.smtp()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "example", mixinStandardHelpOptions = true,
            description = {"Prints the documented sample configuration (every key with its meaning).",
                    "Start your own from it: w5100-alert config example > my.conf"},
            footer = ExitCodes.HELP)
    static final class ExampleCommand extends Io implements Callable<Integer> {
        /** The sample as shipped in the jar (the same text as board/deploy/w5100-alert.conf). */
        static final String RESOURCE = "/dev/w5100alert/board/w5100-alert.conf";

        @Override
        public Integer call() throws IOException {
            try (InputStream in = Main.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException("the sample configuration is missing from the jar");
                }
                out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** What to tell a person when Pi4J cannot open SPI or GPIO. */
    static String hardwareProblem(RuntimeException e) {
        StringBuilder why = new StringBuilder(e.getMessage() == null ? "no detail" : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !why.toString().contains(c.getMessage())) {
                why.append(": ").append(c.getMessage());
            }
        }
        return "cannot open the Pi's SPI/GPIO (" + why + "). "
                + "Is this a Raspberry Pi with SPI enabled (/dev/spidev0.0 present) and is the user in the spi and "
                + "gpio groups? Without hardware use --simulated, or the demo command.";
    }

    /**
     * A throw-away outbox for the tools (demo, send-test, diagnose); the caller deletes it when done, and a
     * shutdown hook deletes it when the command is stopped by SIGTERM or Ctrl-C first.
     */
    static Path tempOutbox() throws IOException {
        Path dir = Files.createTempDirectory("w5100-alert-outbox");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> DemoCommand.deleteTree(dir), "w5100-alert-temp-cleanup"));
        return dir;
    }
}
