package dev.w5100alert.board.cli;

/**
 * Exit codes of every command, for scripts and systemd (documented in {@code --help} and the README).
 */
public final class ExitCodes {
    /** Success: all alerts delivered, configuration valid, diagnosis clean. */
    public static final int OK = 0;
    /** An alert was not delivered (or the server refused it, or authentication failed). */
    public static final int NOT_DELIVERED = 1;
    /** Bad command line (picocli's usage error). */
    public static final int USAGE = 2;
    /** The configuration file is invalid, or a file or directory it names cannot be used; nothing was started. */
    public static final int BAD_CONFIG = 3;
    /** No working W5100 answered on SPI (see the diagnosis printed). */
    public static final int NO_CHIP = 4;
    /** The SMTP server could not be reached (ARP, refused, timeout). */
    public static final int SERVER_UNREACHABLE = 5;
    /**
     * {@code send-test}: the server took the message for some recipients and refused others (like msmtp, this
     * is not success: someone who should get alerts will not).
     */
    public static final int PARTLY_DELIVERED = 6;
    /** Unexpected internal error (a bug: please report the stack trace). */
    public static final int SOFTWARE = 70;

    private ExitCodes() { }

    static final String HELP = """
            Exit codes:
              0  success
              1  alert not delivered (transient, permanent, authentication or TLS failure)
              2  usage error
              3  invalid configuration file (or a file it names cannot be used)
              4  no working W5100 on SPI
              5  SMTP server unreachable
              6  delivered to some recipients, refused for others (send-test)
              70 internal error""";
}
