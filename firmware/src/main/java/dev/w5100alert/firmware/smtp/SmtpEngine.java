package dev.w5100alert.firmware.smtp;

import dev.w5100alert.firmware.codec.Ascii;
import dev.w5100alert.firmware.codec.Base64;
import dev.w5100alert.firmware.codec.CommandWriter;
import dev.w5100alert.firmware.codec.DataStuffer;
import dev.w5100alert.firmware.codec.ReplyParser;
import dev.w5100alert.firmware.codec.SecretMask;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageBuilder;
import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.firmware.tls.TlsFailure;
import dev.w5100alert.firmware.tls.TlsLink;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import dev.w5100alert.hal.Clock;
import java.nio.charset.StandardCharsets;

/**
 * The SMTP client: one state machine ({@link Stage}, one switch in {@code onReply}) stepped by the
 * caller, over any {@link TcpLink}.
 *
 * <p>Use: fill a {@link MailMessage}, call {@link #start(MailMessage, long)}, then call
 * {@link #doWork(long)} from the firmware loop until {@link #busy()} is false, and read {@link #result()}.
 * {@link #send(MailMessage)} does the same loop for callers that may block, calling {@link Clock#idle()}
 * when a step did nothing.
 *
 * <p>Guarantees:
 * <ul>
 * <li>Nothing is sent for a message that fails validation (CR/LF in header text or arguments, bad mailbox,
 * message too large): {@link #start} throws {@link IllegalArgumentException} first.</li>
 * <li>Every stage has a deadline from {@link SmtpTimeouts}, measured on the injected {@link Clock}; no
 * thread, no sleep, no unbounded loop. Every send ends in exactly one {@link Outcome}.</li>
 * <li>Replies are read line by line as they arrive ({@link ReplyParser}): memory is bounded by the line
 * length (512 bytes by default), the time a reply may take by the stage deadline, not by a line count.
 * Garbage or an overlong line ends in {@link FailureCause#PROTOCOL_ERROR}, with the broken rule named in
 * {@link SendResult#detail()}.</li>
 * <li>All buffers are allocated here, in the constructor; {@code start}/{@code doWork} allocate nothing
 * (the link may, when it opens a connection).</li>
 * <li>The password and AUTH payloads never reach the transcript, the result or an exception: every reply
 * line is passed through a {@link SecretMask} (plain and Base64 at any alignment) before anything reads it,
 * in every stage.</li>
 * </ul>
 * Not thread-safe: one thread (the firmware loop) owns the engine.
 *
 * <p>TLS ({@link SmtpConfig#tls()}): the engine wraps the link it is given in a {@link TlsLink} itself when the
 * mode is not NONE (or uses the link as is when it already is one; {@link #tlsLink()} gives it back, e.g. for the
 * server's chain). The crypto stays in the link; the state machine knows TLS only at two points: the
 * {@link Stage#TLS_HANDSHAKE} right after connecting (implicit TLS, then the greeting) and the {@link Stage#STARTTLS}
 * step after EHLO (RFC 3207: 220, everything received after it thrown away, handshake, capabilities forgotten, EHLO
 * again). The handshake is bounded by the greeting timeout (implicit TLS) or the hello timeout (STARTTLS); a
 * handshake that times out is transient, every other TLS failure needs the user ({@link FailureCause#needsUser()}).
 * With STARTTLS configured, a server that does not offer it gets QUIT and nothing else: no credential
 * leaves in clear. Inside TLS the transcript marks lines {@code " ~> "} / {@code "<~ "} (swaks' convention) and
 * the handshake adds one line such as {@code TLS started: TLSv1.3 TLS_AES_128_GCM_SHA256, peer CN=..., verified}.
 * The TLS path allocates (JSSE, per handshake and per record); the plaintext path still does not.
 */
public final class SmtpEngine {

    /** What the transcript shows instead of an AUTH payload. */
    public static final String REDACTED = "<redacted>";

    private static final long MS = 1_000_000L;

    /**
     * Idle polls in a row, with the clock not moving, after which the blocking calls give up: deadlines
     * need a clock that advances, and a frozen one must not turn {@link #send} into an endless loop.
     */
    static final int MAX_STALLED_POLLS = 1_000_000;

    /** Lines of one reply shown in the transcript; an endless reply is cut there (the deadline ends it). */
    static final int MAX_TRANSCRIBED_LINES = 1000;

    // Capabilities seen in the lines of the current reply, adopted by readCapabilities() after a 250 to EHLO.
    private static final int CAP_AUTH = 1;
    private static final int CAP_PLAIN = 2;
    private static final int CAP_LOGIN = 4;
    private static final int CAP_SIZE = 8;
    private static final int CAP_8BITMIME = 16;
    private static final int CAP_PIPELINING = 32;
    private static final int CAP_STARTTLS = 64;
    private static final int CAP_ENHANCED = 128;

    private final TcpLink link;
    private final TlsLink tls;        // the same object as link when TLS is configured, else null
    private final TlsPolicy tlsPolicy;
    private final Clock clock;
    private final SmtpConfig config;
    private final SmtpTimeouts timeouts;
    private final SmtpTranscript transcript;
    private final ReplyParser parser;
    private final CommandWriter command = new CommandWriter();
    private final DataStuffer stuffer = new DataStuffer();
    private final MessageBuilder builder;
    private final SendResult result;

    private final byte[] rx = new byte[512];
    private int rxStart;
    private int rxEnd;
    private final byte[] chunk;
    private byte[] out;           // what is being sent: command.buffer() or chunk
    private int outPos;
    private int outEnd;
    private final byte[] authPlain;   // base64("\0user\0password")
    private final byte[] authUser;    // base64(user)
    private final byte[] authPassword; // base64(password)
    private final byte[] note = new byte[64];
    private final SecretMask secrets = new SecretMask();
    private final byte[] replyText = new byte[SendResult.MAX_TEXT]; // the current reply's text, lines joined
    private int replyTextLength;
    private int transcribedLines;
    private int seenCapabilities;
    private long seenSizeLimit;

    private Stage stage = Stage.IDLE;
    private long deadline;
    private MailMessage message;
    private int messageLength;
    private long messageNumber;
    private long messageMillis;
    private boolean dataTerminated;
    private int nextRecipient;
    private int repliedRecipients;
    private int acceptedRecipients;
    private boolean anyRecipientTransient;

    // Capabilities from the last EHLO.
    private boolean extended;     // the last hello was EHLO (capabilities valid), not HELO
    private boolean offersPlain;
    private boolean offersLogin;
    private boolean offersAuth;
    private boolean offers8BitMime;
    private boolean offersPipelining;
    private boolean offersStartTls;
    private boolean offersEnhancedCodes;
    private boolean offersSize;
    private long sizeLimit;
    private boolean greetingStarted;  // a byte of the greeting has arrived (the implicit-TLS sniff ran)

    /**
     * Builds the engine and every buffer it will use.
     *
     * @param link       the byte channel (W5100 socket or java.nio adapter, or a {@link TlsLink} over one);
     *                   wrapped in a {@link TlsLink} here when {@code config.tls()} asks for TLS
     * @param clock      time source for deadlines, Date headers and {@link Clock#idle()} in {@link #send}
     * @param config     server, credentials, limits, timeouts
     * @param transcript swaks-style transcript sink, or null for none
     * @param bootNonce  random number drawn once per boot, for Message-IDs unique across reboots
     */
    public SmtpEngine(TcpLink link, Clock clock, SmtpConfig config, SmtpTranscript transcript, long bootNonce) {
        this.tlsPolicy = config.tls();
        this.tls = link instanceof TlsLink t ? t : tlsPolicy.mode() != TlsMode.NONE ? new TlsLink(link, clock) : null;
        this.link = tls != null ? tls : link;
        this.clock = clock;
        this.config = config;
        this.timeouts = config.timeouts();
        this.transcript = transcript;
        this.parser = new ReplyParser(config.maxReplyLineBytes());
        this.builder = new MessageBuilder(config.limits().maxMessageBytes(), bootNonce, config.messageIdDomain(),
                config.zoneOffsetMinutes());
        this.result = new SendResult(config.limits().maxRecipients());
        this.chunk = new byte[config.sendChunkBytes()];
        if (config.hasCredentials()) {
            byte[] user = config.username().getBytes(StandardCharsets.UTF_8);
            byte[] pass = config.password().getBytes(StandardCharsets.UTF_8);
            byte[] plain = new byte[user.length + pass.length + 2];
            System.arraycopy(user, 0, plain, 1, user.length);
            System.arraycopy(pass, 0, plain, user.length + 2, pass.length);
            authPlain = encode(plain);
            authUser = encode(user);
            authPassword = encode(pass);
            // What a server could echo: the password, and the AUTH payloads (PLAIN's, LOGIN's user name).
            secrets.add(pass, true).add(plain, false).add(user, false);
            java.util.Arrays.fill(plain, (byte) 0);
            java.util.Arrays.fill(pass, (byte) 0);
            if (authPlain.length + 13 > CommandWriter.MAX_COMMAND_LINE) {
                throw new IllegalArgumentException("credentials too long for one AUTH PLAIN command");
            }
        } else {
            authPlain = null;
            authUser = null;
            authPassword = null;
        }
    }

    private static byte[] encode(byte[] b) {
        byte[] out = new byte[Base64.encodedLength(b.length)];
        Base64.encode(b, 0, b.length, out, 0);
        return out;
    }

    /** The TLS link the engine talks through, or null when no TLS is configured. */
    public TlsLink tlsLink() {
        return tls;
    }

    /** The outcome of the current or last send (reused; see {@link SendResult}). */
    public SendResult result() {
        return result;
    }

    /** True while a send (or the QUIT/RSET that closes it) is in progress. */
    public boolean busy() {
        return stage != Stage.IDLE && stage != Stage.SESSION_IDLE;
    }

    public Stage stage() {
        return stage;
    }

    /** Whether a greeted session is open between sends (only with {@link SmtpConfig#keepSessionOpen()}). */
    public boolean sessionOpen() {
        return stage == Stage.SESSION_IDLE;
    }

    /** Capabilities of the last EHLO reply (false before any, or after a HELO fallback). */
    public boolean offers8BitMime() {
        return offers8BitMime;
    }

    /** Whether the server greeted an EHLO (false after a HELO fallback). */
    public boolean extendedSession() {
        return extended;
    }

    /** Whether the last EHLO advertised AUTH at all (with any mechanism). */
    public boolean offersAuth() {
        return offersAuth;
    }

    public boolean offersPipelining() {
        return offersPipelining;
    }

    public boolean offersStartTls() {
        return offersStartTls;
    }

    public boolean offersEnhancedStatusCodes() {
        return offersEnhancedCodes;
    }

    public boolean offersAuthPlain() {
        return offersPlain;
    }

    public boolean offersAuthLogin() {
        return offersLogin;
    }

    /** SIZE advertised by the server: -1 when not offered, 0 when offered without a limit. */
    public long sizeLimit() {
        return offersSize ? sizeLimit : -1;
    }

    /** The rendered message of the current/last send (for tests and diagnostics). */
    public byte[] renderedMessage() {
        return builder.buffer();
    }

    public int renderedLength() {
        return messageLength;
    }

    /**
     * Starts sending {@code m}. Validates and renders it first: a bad message throws
     * {@link IllegalArgumentException} and nothing is sent. The message must stay unchanged until the send
     * ends. Reuses an open session, otherwise connects.
     *
     * @throws IllegalStateException while a previous send is still busy
     */
    public void start(MailMessage m, long now) {
        if (busy()) {
            throw new IllegalStateException("SMTP engine is busy (" + stage + ")");
        }
        messageNumber++;
        messageMillis = clock.epochMillis();
        // Dry run without 8bit: the largest form this message can take, so size problems show up now.
        messageLength = builder.render(m, false, messageMillis, messageNumber);
        message = m;
        result.reset(m.recipientCount());
        if (stage == Stage.SESSION_IDLE) {
            pollSessionIdle(now);
        }
        if (stage == Stage.SESSION_IDLE) {
            beginTransaction(now);
        } else {
            stage = Stage.CONNECTING;
            deadline = now + timeouts.connect() * MS;
            event("connecting");
            forgetCapabilities();
            greetingStarted = false;
            parser.reset();
            rxStart = 0;
            rxEnd = 0;
            outPos = 0;
            outEnd = 0;
            link.connect(config.serverIpv4(), config.serverPort());
        }
    }

    /**
     * Blocking convenience: {@link #start} and step until the send (and its QUIT or RSET) is over, calling
     * {@link Clock#idleUntil(long)} up to the stage deadline whenever a step made no progress (the one wait
     * primitive: it backs off, and is woken by /INT). Bounded by the stage deadlines.
     */
    public SendResult send(MailMessage m) {
        start(m, clock.nanoTime());
        runUntilIdle();
        return result;
    }

    /** Ends an open session with QUIT (bounded by the QUIT timeout), blocking like {@link #send}. */
    public void close() {
        closeSession(clock.nanoTime());
        runUntilIdle();
    }

    /**
     * Drops whatever is in progress without a word to the server (for the board after a chip reset or at
     * shutdown): closes the link, and a send still pending ends as a transient CONNECTION_LOST.
     */
    public void abort() {
        if (busy() && result.outcome() == Outcome.PENDING) {
            result.set(Outcome.TRANSIENT_FAILURE, stage, FailureCause.CONNECTION_LOST);
            result.linkFailure(link.failure());
        }
        event("aborted");
        closeLink();
    }

    /** Non-blocking: starts QUIT on an open session; step {@link #doWork} until not {@link #busy()}. */
    public void closeSession(long now) {
        if (stage == Stage.SESSION_IDLE) {
            sendQuit(now);
        } else if (!busy()) {
            link.close();
            stage = Stage.IDLE;
        }
    }

    private void runUntilIdle() {
        int stalled = 0;
        long last = clock.nanoTime();
        while (busy()) {
            long now = clock.nanoTime();
            if (doWork(now) > 0) {
                clock.progress();
            } else {
                stalled = now == last ? stalled + 1 : 0;
                last = now;
                if (stalled >= MAX_STALLED_POLLS) {
                    event("clock stands still; giving up");
                    fail(Outcome.TRANSIENT_FAILURE, FailureCause.TIMEOUT);
                    closeLink();
                    return;
                }
                clock.idleUntil(deadline); // the stage deadline: never parks past it
            }
        }
    }

    /**
     * When the current stage times out ({@link Clock#nanoTime()} time); meaningful while {@link #busy()}
     * (the board's loop bounds its wait by it).
     */
    public long deadline() {
        return deadline;
    }

    /**
     * One step: advance the connection, send what the link accepts, decode what arrived, act on a complete
     * reply, check the stage deadline. Never blocks.
     *
     * @return the amount of work done (0 = nothing happened; the caller may idle)
     */
    public int doWork(long now) {
        switch (stage) {
            case IDLE:
                return 0;
            case SESSION_IDLE:
                return pollSessionIdle(now);
            case CONNECTING:
                return pollConnect(now);
            case TLS_HANDSHAKE:
                return pollHandshake(now);
            default:
                break;
        }
        int work = 0;
        int sent = flush();
        if (sent < 0) {
            connectionLost();
            return 1;
        }
        if (sent > 0) {
            work++;
            if (stage == Stage.MESSAGE) {
                deadline = now + timeouts.dataBlock() * MS; // progress restarts the data-block timer
            }
        }
        if (stage == Stage.MESSAGE && outPos == outEnd) {
            fillMessageChunk(now);
            work++;
        }
        int got = receive(now);
        if (got < 0) {
            connectionLost();
            return work + 1;
        }
        work += got;
        if (busy() && now - deadline >= 0) {
            timeout();
            return work + 1;
        }
        return work;
    }

    private int pollConnect(long now) {
        TcpLink.State s = link.poll();
        if (s == TcpLink.State.CONNECTED) {
            event("connected");
            if (tlsPolicy.mode() == TlsMode.IMPLICIT) {
                beginHandshake(now, timeouts.greeting());
            } else {
                expect(Stage.GREETING, now, timeouts.greeting());
            }
            return 1;
        }
        if (s == TcpLink.State.CONNECTING) {
            if (now - deadline >= 0) {
                event("connect timed out");
                fail(Outcome.TRANSIENT_FAILURE, FailureCause.TIMEOUT);
                result.linkFailure(TcpLink.Failure.TIMEOUT);
                closeLink();
                return 1;
            }
            return 0;
        }
        event("connect failed");
        fail(Outcome.TRANSIENT_FAILURE, FailureCause.CONNECT_FAILED);
        result.linkFailure(link.failure());
        closeLink();
        return 1;
    }

    private void beginHandshake(long now, long timeoutMs) {
        event("starting TLS");
        expect(Stage.TLS_HANDSHAKE, now, timeoutMs);
        tls.startTls(tlsPolicy);
    }

    /** The TLS handshake, driven by polling the link under the stage deadline. */
    private int pollHandshake(long now) {
        TcpLink.State s = tls.poll();
        if (s == TcpLink.State.CONNECTED) {
            if (transcript != null) {
                transcript.event(tls.describeSession());
            }
            if (tlsPolicy.mode() == TlsMode.IMPLICIT) {
                expect(Stage.GREETING, now, timeouts.greeting());
            } else {
                forgetCapabilities(); // RFC 3207 section 4.2: nothing learned before TLS holds
                sendEhlo(now);
            }
            return 1;
        }
        if (s == TcpLink.State.CONNECTING) {
            if (now - deadline < 0) {
                return 0;
            }
            tls.handshakeDeadlinePassed();
        }
        tlsFailed();
        return 1;
    }

    private void tlsFailed() {
        TlsFailure f = tls.tlsFailure();
        FailureCause c = switch (f) {
            case UNTRUSTED -> FailureCause.CERT_UNTRUSTED;
            case EXPIRED -> FailureCause.CERT_EXPIRED;
            case NOT_YET_VALID -> FailureCause.CERT_NOT_YET_VALID;
            case NAME_MISMATCH -> FailureCause.CERT_NAME_MISMATCH;
            case CLOCK_NOT_SET -> FailureCause.CLOCK_NOT_SET;
            case TIMEOUT -> FailureCause.TIMEOUT;
            case NONE -> FailureCause.CONNECTION_LOST;
            default -> FailureCause.TLS_HANDSHAKE_FAILED;
        };
        boolean transientCause = c == FailureCause.TIMEOUT || c == FailureCause.CONNECTION_LOST;
        fail(transientCause ? Outcome.TRANSIENT_FAILURE : Outcome.AUTH_FAILURE, c);
        if (result.outcome() != Outcome.PENDING && result.cause() == c) {
            if (f == TlsFailure.NOT_TLS && tlsPolicy.mode() == TlsMode.IMPLICIT) {
                result.detail(tls.failureDetail() + "; the port speaks plain SMTP: set smtp.tls = starttls");
            } else {
                result.detail(tls.failureDetail().toString());
            }
            result.linkFailure(tls.failure());
        }
        if (transcript != null) {
            transcript.event("TLS failed: " + tls.failureDetail());
        }
        closeLink();
    }

    /** Between sends: notice a server that hung up or sent 421 while we were idle. */
    private int pollSessionIdle(long now) {
        int n = rxEnd < rx.length ? link.read(rx, rxEnd, rx.length - rxEnd) : 0;
        if (n < 0) {
            event("session closed by the server");
            closeLink();
            return 1;
        }
        rxEnd += n;
        if (rxEnd > rxStart) {
            // Anything unsolicited (normally 421 before the server's idle timeout) ends the session.
            rxStart += parser.feed(rx, rxStart, rxEnd - rxStart);
            if (parser.status() == ReplyParser.Status.LINE || parser.status() == ReplyParser.Status.COMPLETE) {
                onReplyLine();
            }
            event("unsolicited reply; closing the session");
            closeLink();
            return 1;
        }
        if (config.sessionIdleMillis() > 0 && now - deadline >= 0) {
            event("session idle limit reached");
            sendQuit(now);
            return 1;
        }
        return 0;
    }

    /** Hands the link what it takes of the pending output. */
    private int flush() {
        if (outPos == outEnd) {
            return 0;
        }
        int n = link.write(out, outPos, outEnd - outPos);
        if (n > 0) {
            outPos += n;
        }
        return n;
    }

    /** Reads and decodes; acts on complete replies. Returns work done, or -1 when the link is gone. */
    private int receive(long now) {
        if (rxStart == rxEnd) {
            rxStart = 0;
            rxEnd = 0;
        }
        int work = 0;
        if (rxEnd < rx.length) {
            int n = link.read(rx, rxEnd, rx.length - rxEnd);
            if (n < 0) {
                return -1;
            }
            rxEnd += n;
            work += n > 0 ? 1 : 0;
        }
        if (stage == Stage.GREETING && !greetingStarted && rxEnd > rxStart && (tls == null || !tls.secured())) {
            greetingStarted = true;
            if (looksLikeTlsRecord()) {
                event("TLS record where the plain greeting was due");
                fail(Outcome.AUTH_FAILURE, FailureCause.IMPLICIT_TLS_EXPECTED);
                result.detail("the server speaks TLS from the first byte on this port: set smtp.tls = implicit");
                closeLink();
                return work + 1;
            }
        }
        // Bounded: each pass either consumes input or ends in a state change.
        while (rxStart < rxEnd && busy() && stage != Stage.CONNECTING) {
            rxStart += parser.feed(rx, rxStart, rxEnd - rxStart);
            if (parser.status() == ReplyParser.Status.LINE || parser.status() == ReplyParser.Status.COMPLETE) {
                onReplyLine();
            }
            if (parser.status() == ReplyParser.Status.COMPLETE) {
                onReply(now);
                parser.reset();
                work++;
            } else if (parser.status() == ReplyParser.Status.ERROR) {
                transcribePartial();
                protocolError();
                work++;
            }
        }
        if (rxStart == rxEnd) {
            rxStart = 0;
            rxEnd = 0;
        }
        return work;
    }

    /** The conversation: each stage accepts the replies it expects and prepares the next command. */
    private void onReply(long now) {
        int code = parser.code();
        if (code == 421 && stage != Stage.QUIT) {
            // 421 may come at any time: the server is closing the channel. Transient, no QUIT.
            failOnReply(Outcome.TRANSIENT_FAILURE, FailureCause.REPLY);
            closeLink();
            return;
        }
        boolean handled = true;
        switch (stage) {
            case GREETING:
                if (code == 220) {
                    sendEhlo(now);
                } else {
                    handled = false;
                }
                break;
            case EHLO:
                if (code == 250) {
                    readCapabilities();
                    afterHello(now);
                } else if (code == 500 || code == 502) {
                    // EHLO not recognised: an old server; RFC 5321 section 3.2 says fall back to HELO.
                    sendHelo(now);
                } else {
                    handled = false;
                }
                break;
            case HELO:
                if (code == 250) {
                    afterHello(now);
                } else {
                    handled = false;
                }
                break;
            case STARTTLS:
                onStartTlsReply(code, now);
                break;
            case AUTH_LOGIN:
                if (code == 334) {
                    transcribePrompt();
                    sendSecret(authUser, Stage.AUTH_LOGIN_USER, now);
                } else {
                    handled = false;
                }
                break;
            case AUTH_LOGIN_USER:
                if (code == 334) {
                    transcribePrompt();
                    sendSecret(authPassword, Stage.AUTH_LOGIN_PASSWORD, now);
                } else {
                    handled = false;
                }
                break;
            case AUTH_PLAIN:
            case AUTH_LOGIN_PASSWORD:
                if (code == 235) {
                    beginTransaction(now);
                } else {
                    handled = false;
                }
                break;
            case MAIL:
                if (code == 250) {
                    sendRcpt(now);
                } else {
                    handled = false;
                }
                break;
            case RCPT:
                handled = onRcptReply(code, now);
                break;
            case DATA:
                if (code == 354) {
                    beginMessage(now);
                } else {
                    handled = false;
                }
                break;
            case DATA_END:
                if (code == 250) {
                    result.set(Outcome.DELIVERED, Stage.DATA_END, FailureCause.NONE);
                    keepReply();
                    endTransaction(now);
                } else {
                    handled = false;
                }
                break;
            case RSET:
                if (code == 250) {
                    enterSessionIdle(now);
                } else {
                    sendQuit(now);
                }
                break;
            case QUIT:
                closeLink(); // 221 or not, we are done
                break;
            default:
                handled = false; // e.g. a reply while the message is still being sent
                break;
        }
        if (!handled) {
            unexpectedReply(code, now);
        }
    }

    /**
     * RFC 3207: on 220 the next byte must be the server's TLS. Anything already received after the 220 was sent
     * before TLS, by the server or by someone in between (CVE-2011-0411): it is thrown away, never parsed.
     */
    private void onStartTlsReply(int code, long now) {
        if (code == 220) {
            int junk = rxEnd - rxStart;
            rxStart = 0;
            rxEnd = 0;
            parser.reset();
            if (junk > 0) {
                event("discarded bytes received after the 220 to STARTTLS");
            }
            beginHandshake(now, timeouts.hello());
        } else {
            failOnReply(Outcome.AUTH_FAILURE, FailureCause.STARTTLS_REFUSED);
            result.detail("the server refused STARTTLS; ask its operator, or check smtp.port and smtp.tls");
            sendQuit(now);
        }
    }

    private boolean looksLikeTlsRecord() {
        int b0 = rx[rxStart] & 0xFF;
        // TLS handshake (22) or alert (21) record, then major version 3; no SMTP reply starts with these bytes.
        return (b0 == 0x16 || b0 == 0x15) && (rxEnd - rxStart < 2 || rx[rxStart + 1] == 0x03);
    }

    /** The one rule for replies a stage did not expect: classify by code class, then end politely. */
    private void unexpectedReply(int code, long now) {
        boolean auth = inAuthStage();
        if (code >= 500) {
            failOnReply(auth ? Outcome.AUTH_FAILURE : Outcome.PERMANENT_FAILURE, FailureCause.REPLY);
        } else if (code >= 400) {
            failOnReply(Outcome.TRANSIENT_FAILURE, FailureCause.REPLY);
        } else {
            failOnReply(Outcome.TRANSIENT_FAILURE, FailureCause.PROTOCOL_ERROR);
        }
        if (stage == Stage.MESSAGE) {
            // The server spoke in the middle of our data: the stream is out of step, so no more commands.
            closeLink();
        } else if (auth && code == 334) {
            // Out of step inside an AUTH exchange: a command now would be read as credentials.
            closeLink();
        } else {
            endTransaction(now);
        }
    }

    private boolean onRcptReply(int code, long now) {
        int i = repliedRecipients++;
        result.recipientCode(i, code);
        if (code == 250 || code == 251) {
            acceptedRecipients++;
        } else if (code >= 400 && code < 500) {
            anyRecipientTransient = true;
        } else if (code < 400) {
            return false; // 2xx/3xx other than 250/251 makes no sense here
        }
        if (nextRecipient < message.recipientCount()) {
            sendRcpt(now);
        } else if (acceptedRecipients > 0) {
            sendCommand(Stage.DATA, "DATA", now, timeouts.dataStart());
        } else {
            failOnReply(anyRecipientTransient ? Outcome.TRANSIENT_FAILURE : Outcome.PERMANENT_FAILURE,
                    FailureCause.NO_RECIPIENT_ACCEPTED);
            endTransaction(now);
        }
        return true;
    }

    /** A new connection or a HELO session: nothing the previous EHLO advertised holds any more. */
    private void forgetCapabilities() {
        extended = false;
        offersPlain = false;
        offersLogin = false;
        offersAuth = false;
        offers8BitMime = false;
        offersPipelining = false;
        offersStartTls = false;
        offersEnhancedCodes = false;
        offersSize = false;
        sizeLimit = 0;
    }

    /** After a 250 to EHLO: adopt what the lines of that reply advertised (noted as they arrived). */
    private void readCapabilities() {
        forgetCapabilities();
        extended = true;
        int c = seenCapabilities;
        offersAuth = (c & CAP_AUTH) != 0;
        offersPlain = (c & CAP_PLAIN) != 0;
        offersLogin = (c & CAP_LOGIN) != 0;
        offersSize = (c & CAP_SIZE) != 0;
        sizeLimit = seenSizeLimit;
        offers8BitMime = (c & CAP_8BITMIME) != 0;
        offersPipelining = (c & CAP_PIPELINING) != 0;
        offersStartTls = (c & CAP_STARTTLS) != 0;
        offersEnhancedCodes = (c & CAP_ENHANCED) != 0;
    }

    /** One EHLO keyword line ("AUTH PLAIN LOGIN", "SIZE 1000000"); any other reply's lines are noted harmlessly. */
    private void noteCapability(byte[] b, int p, int end) {
        int kw = p;
        while (p < end && b[p] != ' ' && b[p] != '=') {
            p++;
        }
        int kwLen = p - kw;
        if (Ascii.equalsIgnoreCase(b, kw, kwLen, "AUTH")) {
            seenCapabilities |= CAP_AUTH;
            while (p < end) {
                while (p < end && (b[p] == ' ' || b[p] == '=')) {
                    p++;
                }
                int m = p;
                while (p < end && b[p] != ' ') {
                    p++;
                }
                seenCapabilities |= Ascii.equalsIgnoreCase(b, m, p - m, "PLAIN") ? CAP_PLAIN : 0;
                seenCapabilities |= Ascii.equalsIgnoreCase(b, m, p - m, "LOGIN") ? CAP_LOGIN : 0;
            }
        } else if (Ascii.equalsIgnoreCase(b, kw, kwLen, "SIZE")) {
            seenCapabilities |= CAP_SIZE;
            long v = 0;
            p++;
            while (p < end && b[p] >= '0' && b[p] <= '9' && v < Long.MAX_VALUE / 10) {
                v = v * 10 + b[p++] - '0';
            }
            seenSizeLimit = v;
        } else if (Ascii.equalsIgnoreCase(b, kw, kwLen, "8BITMIME")) {
            seenCapabilities |= CAP_8BITMIME;
        } else if (Ascii.equalsIgnoreCase(b, kw, kwLen, "PIPELINING")) {
            seenCapabilities |= CAP_PIPELINING;
        } else if (Ascii.equalsIgnoreCase(b, kw, kwLen, "STARTTLS")) {
            seenCapabilities |= CAP_STARTTLS;
        } else if (Ascii.equalsIgnoreCase(b, kw, kwLen, "ENHANCEDSTATUSCODES")) {
            seenCapabilities |= CAP_ENHANCED;
        }
    }

    private void afterHello(long now) {
        boolean secured = tls != null && tls.secured();
        if (tlsPolicy.mode() == TlsMode.STARTTLS && !secured) {
            if (extended && offersStartTls) {
                sendCommand(Stage.STARTTLS, "STARTTLS", now, timeouts.hello());
            } else {
                // No downgrade: without STARTTLS nothing more is said, least of all a credential.
                fail(Outcome.AUTH_FAILURE, FailureCause.STARTTLS_NOT_OFFERED);
                result.detail("the server does not offer STARTTLS on this port: check smtp.port, or set smtp.tls");
                sendQuit(now);
            }
            return;
        }
        if (authPlain != null) {
            boolean plain = offersPlain && config.authMechanism() != AuthMechanism.LOGIN;
            boolean login = offersLogin && config.authMechanism() != AuthMechanism.PLAIN;
            if (!plain && !login && !secured && !offersAuth && offersStartTls) {
                // Submission servers offer AUTH only inside TLS (Postfix smtpd_tls_auth_only): not a credential
                // problem.
                fail(Outcome.AUTH_FAILURE, FailureCause.STARTTLS_REQUIRED);
                result.detail("the server requires STARTTLS before AUTH; set smtp.tls = starttls");
                sendQuit(now);
            } else if (!plain && !login) {
                fail(Outcome.AUTH_FAILURE, FailureCause.AUTH_NOT_OFFERED);
                sendQuit(now);
            } else if (!secured && !config.allowPlaintextAuth()) {
                // No TLS here: sending the password would expose it. Only an explicit opt-in allows it.
                fail(Outcome.AUTH_FAILURE, FailureCause.PLAINTEXT_AUTH_FORBIDDEN);
                if (offersStartTls) {
                    result.detail("the server offers STARTTLS: set smtp.tls = starttls instead of sending the "
                            + "password in clear");
                }
                sendQuit(now);
            } else if (plain) {
                command.begin().append("AUTH PLAIN ").append(authPlain, 0, authPlain.length);
                sendPrepared(Stage.AUTH_PLAIN, now, timeouts.auth(), 11);
            } else {
                sendCommand(Stage.AUTH_LOGIN, "AUTH LOGIN", now, timeouts.auth());
            }
        } else {
            beginTransaction(now);
        }
    }

    private void beginTransaction(long now) {
        if (!message.body().isAscii() && offers8BitMime) {
            // Same Date and Message-ID as the dry run; 8bit is never longer than quoted-printable.
            messageLength = builder.render(message, true, messageMillis, messageNumber);
        }
        if (offersSize && sizeLimit > 0 && messageLength > sizeLimit) {
            fail(Outcome.PERMANENT_FAILURE, FailureCause.MESSAGE_TOO_LARGE);
            endTransaction(now);
            return;
        }
        nextRecipient = 0;
        repliedRecipients = 0;
        acceptedRecipients = 0;
        anyRecipientTransient = false;
        command.begin().append("MAIL FROM:<").append(message.from()).append(">");
        if (offersSize) {
            command.append(" SIZE=").append(messageLength);
        }
        if (builder.bodyEncoding() == MessageBuilder.BodyEncoding.EIGHT_BIT) {
            command.append(" BODY=8BITMIME");
        }
        sendPrepared(Stage.MAIL, now, timeouts.mail(), -1);
    }

    private void sendRcpt(long now) {
        command.begin().append("RCPT TO:<").append(message.recipient(nextRecipient++)).append(">");
        sendPrepared(Stage.RCPT, now, timeouts.rcpt(), -1);
    }

    private void beginMessage(long now) {
        stage = Stage.MESSAGE;
        stuffer.reset();
        dataTerminated = false;
        deadline = now + timeouts.dataBlock() * MS;
        int p = Ascii.putAscii(note, 0, "<message: ");
        p = Ascii.putLong(note, p, messageLength);
        p = Ascii.putAscii(note, p, " bytes before dot-stuffing>");
        line(true, note, 0, p);
        fillMessageChunk(now);
    }

    private void fillMessageChunk(long now) {
        if (dataTerminated) {
            return;
        }
        int end = stuffer.stuff(builder.buffer(), 0, messageLength, chunk, 0, chunk.length);
        if (stuffer.consumed() == messageLength && end + stuffer.finishLength() <= chunk.length) {
            end = stuffer.finish(chunk, end);
            dataTerminated = true;
            line(true, chunk, end - 3, 1);
        }
        out = chunk;
        outPos = 0;
        outEnd = end;
        if (dataTerminated) {
            // The end-of-data timer covers the last chunk's flight as well: 10 minutes dwarfs it.
            stage = Stage.DATA_END;
            deadline = now + timeouts.dataEnd() * MS;
        }
    }

    private void sendEhlo(long now) {
        command.begin().append("EHLO ").append(config.heloName());
        sendPrepared(Stage.EHLO, now, timeouts.hello(), -1);
    }

    private void sendHelo(long now) {
        forgetCapabilities();
        command.begin().append("HELO ").append(config.heloName());
        sendPrepared(Stage.HELO, now, timeouts.hello(), -1);
    }

    private void sendSecret(byte[] payload, Stage next, long now) {
        command.begin().append(payload, 0, payload.length);
        sendPrepared(next, now, timeouts.auth(), 0);
    }

    private void sendQuit(long now) {
        sendCommand(Stage.QUIT, "QUIT", now, timeouts.quit());
    }

    /** After a transaction ended (delivered or failed): RSET to keep the session, or QUIT. */
    private void endTransaction(long now) {
        if (!config.keepSessionOpen()) {
            sendQuit(now);
        } else if (result.outcome() == Outcome.DELIVERED) {
            enterSessionIdle(now);
        } else if (stage == Stage.GREETING || stage == Stage.EHLO || stage == Stage.HELO
                || result.outcome() == Outcome.AUTH_FAILURE) {
            sendQuit(now); // no usable session to keep
        } else {
            sendCommand(Stage.RSET, "RSET", now, timeouts.rset());
        }
    }

    private void enterSessionIdle(long now) {
        stage = Stage.SESSION_IDLE;
        deadline = now + config.sessionIdleMillis() * MS;
    }

    private void sendCommand(Stage next, String verb, long now, long timeoutMs) {
        command.begin().append(verb);
        sendPrepared(next, now, timeoutMs, -1);
    }

    /**
     * Queues the command line built in {@link #command} and waits in {@code next}.
     *
     * @param redactFrom -1 to show the whole line in the transcript, else the offset from which it is
     *                   replaced by {@link #REDACTED}
     */
    private void sendPrepared(Stage next, long now, long timeoutMs, int redactFrom) {
        int len = command.length();
        if (redactFrom < 0) {
            line(true, command.buffer(), 0, len);
        } else {
            int p = 0;
            System.arraycopy(command.buffer(), 0, note, 0, redactFrom);
            p = Ascii.putAscii(note, redactFrom, REDACTED);
            line(true, note, 0, p);
        }
        command.end();
        out = command.buffer();
        outPos = 0;
        outEnd = command.length();
        expect(next, now, timeoutMs);
    }

    private void expect(Stage next, long now, long timeoutMs) {
        stage = next;
        deadline = now + timeoutMs * MS;
    }

    private void timeout() {
        event("timed out");
        if (stage == Stage.QUIT || stage == Stage.RSET) {
            closeLink(); // the outcome is already decided; just stop waiting
            return;
        }
        if (stage == Stage.GREETING && config.serverPort() == 465 && (tls == null || !tls.secured())) {
            // Silence on 465 is a server waiting for our ClientHello.
            fail(Outcome.AUTH_FAILURE, FailureCause.IMPLICIT_TLS_EXPECTED);
            result.detail("no greeting on port 465: it expects implicit TLS; set smtp.tls = implicit");
        } else {
            fail(Outcome.TRANSIENT_FAILURE, FailureCause.TIMEOUT);
        }
        closeLink();
    }

    private void connectionLost() {
        event("connection lost");
        if (stage != Stage.QUIT && stage != Stage.RSET) {
            fail(Outcome.TRANSIENT_FAILURE, FailureCause.CONNECTION_LOST);
            result.linkFailure(link.failure());
        }
        closeLink();
    }

    private void protocolError() {
        event(parser.errorText()); // names the broken rule, e.g. "reply line over 512 bytes"
        if (stage != Stage.QUIT && stage != Stage.RSET && result.outcome() == Outcome.PENDING) {
            fail(Outcome.TRANSIENT_FAILURE, FailureCause.PROTOCOL_ERROR);
            result.detail(parser.errorText());
        }
        closeLink(); // cannot find the next reply boundary in a stream we could not parse
    }

    /** Records a failure unless the send's outcome is already decided (e.g. delivered before QUIT). */
    private void fail(Outcome o, FailureCause c) {
        if (result.outcome() == Outcome.PENDING) {
            result.set(o, stage, c);
        }
    }

    private void failOnReply(Outcome o, FailureCause c) {
        if (result.outcome() == Outcome.PENDING) {
            result.set(o, stage, c);
            keepReply();
        }
    }

    private void keepReply() {
        // RFC 2034 section 2: enhanced codes are only meaningful once the server advertised
        // ENHANCEDSTATUSCODES; otherwise "550 5.1.1 ..." is just reply text that happens to look like one.
        if (offersEnhancedCodes) {
            result.reply(parser.code(), parser.enhancedClass(), parser.enhancedSubject(), parser.enhancedDetail());
        } else {
            result.reply(parser.code(), 0, 0, 0);
        }
        result.appendText(replyText, 0, replyTextLength);
    }

    private void closeLink() {
        link.close();
        stage = Stage.IDLE;
        outPos = 0;
        outEnd = 0;
        rxStart = 0;
        rxEnd = 0;
        parser.reset();
    }

    private boolean inAuthStage() {
        return stage == Stage.AUTH_PLAIN || stage == Stage.AUTH_LOGIN || stage == Stage.AUTH_LOGIN_USER
                || stage == Stage.AUTH_LOGIN_PASSWORD;
    }

    /**
     * Every complete reply line passes here first: secrets are masked in the parser's buffer, then the line is
     * transcribed, its text kept (bounded) for the result, and an EHLO keyword noted.
     */
    private void onReplyLine() {
        byte[] b = parser.buffer();
        int len = parser.lineLength();
        secrets.mask(b, 0, len);
        if (parser.lineNumber() == 0) {
            replyTextLength = 0;
            transcribedLines = 0;
            seenCapabilities = 0;
            seenSizeLimit = 0;
        }
        if (transcribedLines < MAX_TRANSCRIBED_LINES) {
            line(false, b, 0, len);
            transcribedLines++;
        } else if (transcribedLines == MAX_TRANSCRIBED_LINES) {
            event("further lines of this reply not shown");
            transcribedLines++;
        }
        int t = parser.textStart();
        int n = parser.textLength();
        if (replyTextLength > 0 && replyTextLength < replyText.length) {
            replyText[replyTextLength++] = ' ';
        }
        int keep = Math.min(n, replyText.length - replyTextLength);
        System.arraycopy(b, t, replyText, replyTextLength, keep);
        replyTextLength += keep;
        if (parser.lineNumber() > 0) { // line 0 of an EHLO reply is the greeting text
            noteCapability(b, t, t + n);
        }
    }

    /**
     * Shows what a 334 prompt says ("Username:", "Password:") in the transcript. The engine does not act on
     * the text (servers word it differently; the LOGIN draft says to ignore it); a prompt that is not
     * short printable base64 is simply not annotated.
     */
    private void transcribePrompt() {
        if (transcript == null || parser.lineNumber() != 0) {
            return;
        }
        int len = parser.textLength();
        String label = "    (decoded: ";
        int room = note.length - label.length() - 1;
        if (len == 0 || Base64.maxDecodedLength(len) > room) {
            return;
        }
        int p = Ascii.putAscii(note, 0, label);
        int n = Base64.decode(parser.buffer(), parser.textStart(), len, note, p);
        if (n <= 0) {
            return;
        }
        secrets.mask(note, p, n); // a prompt that decodes to the password shows stars
        for (int i = p; i < p + n; i++) {
            if (note[i] < 0x20 || note[i] > 0x7E) {
                return;
            }
        }
        note[p + n] = ')';
        line(false, note, 0, p + n + 1);
    }

    /** After a parse error: the lines before it were shown as they came; show the start of the bad one. */
    private void transcribePartial() {
        int n = Math.min(parser.lineLength(), 120);
        if (n > 0) {
            secrets.mask(parser.buffer(), 0, parser.lineLength());
            line(false, parser.buffer(), 0, n);
        }
    }

    private void line(boolean fromClient, byte[] b, int off, int len) {
        if (transcript != null) {
            transcript.line(fromClient, tls != null && tls.secured(), b, off, len);
        }
    }

    private void event(String text) {
        if (transcript != null) {
            transcript.event(text);
        }
    }
}
