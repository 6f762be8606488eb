package dev.w5100alert.sim.lan;

/** What a {@link DnsServer} does wrong, for one query or all of them. */
public enum DnsFault {
    /** Answers correctly. */
    NONE,
    /** RCODE 3 (name error), no answers, whatever the records say. */
    NXDOMAIN,
    /** RCODE 2 (server failure), no answers. */
    SERVFAIL,
    /** TC set, no answers (the rest "did not fit" in 512 bytes). */
    TRUNCATED,
    /** A correct answer under another message ID. */
    WRONG_ID,
    /** A correct-looking answer for another name ({@code wrong.} prepended to the question). */
    WRONG_QUESTION,
    /** One answer whose owner name is a compression pointer to itself. */
    POINTER_LOOP,
    /** No reply at all. */
    SILENT,
    /** A correct answer sent from the server's address + 1. */
    WRONG_SOURCE_ADDRESS,
    /** A correct answer sent from port 5353 instead of 53. */
    WRONG_SOURCE_PORT;

    /** The net-file spelling: lower case, {@code -} for {@code _} (e.g. {@code pointer-loop}). */
    public String fileName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #fileName()}. */
    public static DnsFault fromFileName(String s) {
        for (DnsFault f : values()) {
            if (f.fileName().equals(s)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown DNS fault '" + s + "' (one of "
                + java.util.Arrays.stream(values()).map(DnsFault::fileName).toList() + ")");
    }
}
