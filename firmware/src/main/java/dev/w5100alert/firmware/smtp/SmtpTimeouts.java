package dev.w5100alert.firmware.smtp;

/**
 * How long the engine waits at each stage, in milliseconds. {@link #RFC_5321} holds the values RFC 5321
 * section 4.5.3.2 gives (greeting 5 min, MAIL 5 min, RCPT 5 min, DATA initiation 2 min, each data block
 * 3 min, end of data 10 min); the stages the RFC does not name (connect, EHLO/HELO, AUTH, RSET, QUIT)
 * get values chosen here. Every wait is bounded: zero or negative values are refused.
 *
 * @param connect   TCP connection establishment
 * @param greeting  the 220 greeting
 * @param hello     EHLO / HELO reply
 * @param auth      each AUTH step
 * @param mail      MAIL FROM reply
 * @param rcpt      each RCPT TO reply
 * @param dataStart DATA's 354
 * @param dataBlock without progress while sending message data
 * @param dataEnd   the reply to the final "."
 * @param rset      RSET reply
 * @param quit      QUIT's 221 (the outcome is already known; this only bounds the goodbye)
 */
public record SmtpTimeouts(long connect, long greeting, long hello, long auth, long mail, long rcpt,
        long dataStart, long dataBlock, long dataEnd, long rset, long quit) {

    private static final long MINUTE = 60_000;

    /** RFC 5321 section 4.5.3.2 values; 30 s connect, 5 min hello/auth/RSET, 10 s QUIT. */
    public static final SmtpTimeouts RFC_5321 = new SmtpTimeouts(30_000, 5 * MINUTE, 5 * MINUTE, 5 * MINUTE,
            5 * MINUTE, 5 * MINUTE, 2 * MINUTE, 3 * MINUTE, 10 * MINUTE, 5 * MINUTE, 10_000);

    public SmtpTimeouts {
        long[] all = {connect, greeting, hello, auth, mail, rcpt, dataStart, dataBlock, dataEnd, rset, quit};
        for (long t : all) {
            if (t <= 0) {
                throw new IllegalArgumentException("every SMTP timeout must be positive: " + this);
            }
        }
    }
}
