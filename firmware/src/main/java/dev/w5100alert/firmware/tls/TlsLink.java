package dev.w5100alert.firmware.tls;

import dev.w5100alert.firmware.net.TcpLink;
import dev.w5100alert.hal.Clock;
import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;

/**
 * A {@link TcpLink} that speaks TLS 1.2 or 1.3 over any other {@link TcpLink} (the W5100 socket, or java.nio), on
 * the JDK's {@link SSLEngine}: no thread, no blocking, no sleep. Until {@link #startTls} it passes bytes through
 * unchanged, so the SMTP engine can speak the plain part of STARTTLS over it; after {@code startTls} every call
 * ({@link #poll()}, {@link #read}, {@link #write}) drives the handshake, delegated tasks (run inline on the caller's
 * thread), application records and close_notify as far as the inner link lets it, and returns.
 * The caller owns every deadline: while the handshake runs, {@link #poll()} reports CONNECTING; when the caller's
 * stage deadline passes it calls {@link #handshakeDeadlinePassed()}.
 *
 * <p>Buffers: four, sized from the engine's session ({@link SSLSession#getPacketBufferSize()} for records,
 * 16,709 bytes, {@link SSLSession#getApplicationBufferSize()} for plaintext), allocated once here and reused by
 * every connection; a record larger than the inner link's own buffer (a 16 KB record through the W5100's 2 KB
 * socket buffer) simply arrives and leaves over several calls. A new {@code SSLEngine} is made per connection, for
 * the server's address and port, so JSSE may resume the last session with that server (a few sessions are cached);
 * a resumed session skips JSSE's trust manager, so its chain goes through the same checks, at this handshake's clock
 * time, before the link reports CONNECTED. JSSE allocates per handshake and a little per record; that cost is
 * measured, not zero.
 *
 * <p>Verification ({@link CertificateVerifier}): PKIX path validation against the policy's anchors (a
 * {@code ca-file}, or the JDK's default store) at the date {@link Clock#epochMillis()} reads at each handshake;
 * a clock earlier than {@link #BUILD_DATE_MILLIS} fails as {@link TlsFailure#CLOCK_NOT_SET}; the identity check is
 * RFC 6125 and always on. Failures are classified in {@link #tlsFailure()} and explained in {@link #failureDetail()}.
 * There is no way to switch verification off.
 *
 * <p>Not thread-safe: the firmware loop thread owns it, like the engine above it.
 */
public final class TlsLink implements TcpLink {

    /**
     * The firmware's build date (2026-11-01T00:00:00Z): no certificate check can be right on a clock that reads
     * earlier, so such a clock is reported as not set rather than blaming the certificate.
     */
    public static final long BUILD_DATE_MILLIS = 1_793_491_200_000L;

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Bound on engine steps per call: each step either moves bytes or changes the handshake state. */
    private static final int MAX_STEPS = 32;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private enum Phase { PLAIN, HANDSHAKE, OPEN, CLOSED, FAILED }

    private final TcpLink inner;
    private final CertificateVerifier verifier;
    private final SSLContext context;
    private final ByteBuffer netIn;   // records received, not yet unwrapped (read mode between calls)
    private final ByteBuffer netOut;  // records made, not yet taken by the inner link (read mode between calls)
    private final ByteBuffer appIn;   // plaintext unwrapped, not yet read (read mode between calls)
    private final ByteBuffer appOut;  // staging of one write() for wrap
    private SSLEngine engine;
    private Phase phase = Phase.PLAIN;
    private TlsFailure tlsFailure = TlsFailure.NONE;
    private String failureDetail = "";
    private boolean sawFirstByte;
    private boolean peerClosed;
    private long recordBytesIn;
    private long recordBytesOut;
    private int peerIpv4;
    private int peerPort;

    /**
     * @param inner the transport (its connect, close and failures pass through)
     * @param clock the firmware clock: its {@link Clock#epochMillis()} is the date certificates are checked at
     */
    public TlsLink(TcpLink inner, Clock clock) {
        this.inner = inner;
        this.verifier = new CertificateVerifier(clock);
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {verifier}, null);
        } catch (NoSuchAlgorithmException | KeyManagementException e) {
            throw new IllegalStateException("the JDK offers no TLS", e);
        }
        context.getClientSessionContext().setSessionCacheSize(4); // one mail server, a bound all the same
        SSLSession sizes = context.createSSLEngine().getSession();
        netIn = ByteBuffer.allocate(sizes.getPacketBufferSize());
        netOut = ByteBuffer.allocate(sizes.getPacketBufferSize());
        appIn = ByteBuffer.allocate(sizes.getApplicationBufferSize());
        appOut = ByteBuffer.allocate(sizes.getApplicationBufferSize());
        resetBuffers();
    }

    /** Bytes of buffer this link holds for its whole life (the four record and plaintext buffers). */
    public int bufferBytes() {
        return netIn.capacity() + netOut.capacity() + appIn.capacity() + appOut.capacity();
    }

    private void resetBuffers() {
        netIn.clear().limit(0);
        netOut.clear().limit(0);
        appIn.clear().limit(0);
        appOut.clear();
    }

    @Override
    public void connect(int ipv4, int port) {
        dropEngine();
        phase = Phase.PLAIN;
        tlsFailure = TlsFailure.NONE;
        failureDetail = "";
        peerIpv4 = ipv4;
        peerPort = port;
        inner.connect(ipv4, port);
    }

    /**
     * Begins the TLS handshake over the already connected inner link (right after connecting for implicit TLS,
     * after the server's 220 to STARTTLS). Nothing received before this call is kept: the inner link's bytes
     * from now on must be TLS records. Then step {@link #poll()} until it is no longer CONNECTING.
     *
     * @throws IllegalArgumentException for {@link TlsPolicy#NONE}
     */
    public void startTls(TlsPolicy policy) {
        if (policy.mode() == TlsMode.NONE) {
            throw new IllegalArgumentException("TLS policy NONE cannot start TLS");
        }
        dropEngine();
        tlsFailure = TlsFailure.NONE;
        failureDetail = "";
        sawFirstByte = false;
        peerClosed = false;
        recordBytesIn = 0;
        recordBytesOut = 0;
        verifier.begin(policy);
        String peer = policy.serverName() != null ? policy.serverName() : HostNames.ipv4Text(policy.serverIpv4());
        engine = context.createSSLEngine(peer + '@' + HostNames.ipv4Text(peerIpv4), peerPort); // the resumption key
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setEndpointIdentificationAlgorithm(null); // the verifier does RFC 6125 itself
        if (policy.serverName() != null) {
            p.setServerNames(List.of(new SNIHostName(policy.serverName())));
        } else {
            p.setServerNames(List.of()); // SNI is never sent for an IP address
        }
        engine.setSSLParameters(p);
        phase = Phase.HANDSHAKE;
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            handshakeFailed(e);
            return;
        }
        handshake();
    }

    /** Whether the handshake has completed and the peer was verified. */
    public boolean secured() {
        return phase == Phase.OPEN;
    }

    /** The caller's handshake deadline passed: fail the link with {@link TlsFailure#TIMEOUT}. */
    public void handshakeDeadlinePassed() {
        if (phase == Phase.HANDSHAKE) {
            fail(TlsFailure.TIMEOUT, "no TLS handshake within the deadline ("
                    + recordBytesIn + " bytes received from the server)");
        }
    }

    /** The chain the server sent at the last handshake, even when verification refused it; empty if none. */
    public X509Certificate[] peerChain() {
        return verifier.chain();
    }

    /** Whether the last handshake's chain passed every check. */
    public boolean verified() {
        return verifier.verified();
    }

    /** Negotiated protocol ("TLSv1.3"), or "" before a handshake completed. */
    public String protocol() {
        return engine != null && phase == Phase.OPEN ? engine.getSession().getProtocol() : "";
    }

    /** Negotiated cipher suite, or "" before a handshake completed. */
    public String cipherSuite() {
        return engine != null && phase == Phase.OPEN ? engine.getSession().getCipherSuite() : "";
    }

    public TlsFailure tlsFailure() {
        return tlsFailure;
    }

    /** What went wrong, for the user (names the certificate carries, the board's clock time); "" when nothing. */
    public CharSequence failureDetail() {
        return failureDetail;
    }

    /** TLS bytes received and sent on the wire since {@link #startTls} (records, not plaintext). */
    public long recordBytesIn() {
        return recordBytesIn;
    }

    public long recordBytesOut() {
        return recordBytesOut;
    }

    /**
     * One line for a transcript, e.g. {@code TLS started: TLSv1.3 TLS_AES_128_GCM_SHA256, peer
     * CN=mail.example.test, verified} (allocates; once per connection).
     */
    public String describeSession() {
        X509Certificate[] chain = verifier.chain();
        String peer = chain.length == 0 ? "(no certificate)" : commonName(chain[0]);
        return "TLS started: " + protocol() + ' ' + cipherSuite() + ", peer " + peer
                + (verifier.verified() ? ", verified" : ", NOT verified");
    }

    static String commonName(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName();
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                return part;
            }
        }
        return dn;
    }

    @Override
    public State poll() {
        switch (phase) {
            case PLAIN:
                return inner.poll();
            case HANDSHAKE:
                handshake();
                return phase == Phase.HANDSHAKE ? State.CONNECTING : poll();
            case OPEN:
                if (flushNetOut() < 0) {
                    fail(TlsFailure.NONE, "");
                    return State.FAILED;
                }
                State s = inner.poll();
                return s == State.CONNECTED || s == State.CLOSED && peerClosed ? State.CONNECTED : s;
            case FAILED:
                return State.FAILED;
            default:
                return State.CLOSED;
        }
    }

    /**
     * Drives a handshake still under way and flushes what the engine has queued: 1 when application data may
     * move now, 0 while the handshake goes on, -1 when the link is closed or failed.
     */
    private int readyForData() {
        if (phase == Phase.HANDSHAKE) {
            handshake();
            if (phase == Phase.HANDSHAKE) {
                return 0;
            }
        }
        if (phase != Phase.OPEN) {
            return -1;
        }
        if (flushNetOut() < 0) {
            fail(TlsFailure.NONE, "");
            return -1;
        }
        return 1;
    }

    @Override
    public int write(byte[] b, int off, int len) {
        if (phase == Phase.PLAIN) {
            return inner.write(b, off, len);
        }
        int ready = readyForData();
        if (ready <= 0) {
            return ready;
        }
        if (netOut.hasRemaining() || len == 0) {
            return 0; // the previous record is still on its way through the inner link
        }
        int n = Math.min(len, appOut.capacity());
        appOut.clear();
        appOut.put(b, off, n).flip();
        SSLEngineResult r;
        try {
            netOut.compact();
            r = engine.wrap(appOut, netOut);
        } catch (SSLException e) {
            netOut.flip();
            fail(TlsFailure.HANDSHAKE_FAILED, "TLS error while sending: " + e.getMessage());
            return -1;
        }
        netOut.flip();
        recordBytesOut += r.bytesProduced();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            return -1;
        }
        afterEngineStep(r.getHandshakeStatus());
        if (flushNetOut() < 0) {
            fail(TlsFailure.NONE, "");
            return -1;
        }
        return r.bytesConsumed();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (phase == Phase.PLAIN) {
            return inner.read(b, off, len);
        }
        int ready = readyForData();
        if (ready <= 0) {
            return ready;
        }
        for (int step = 0; step < MAX_STEPS && !appIn.hasRemaining() && !peerClosed; step++) {
            if (netIn.hasRemaining()) {
                SSLEngineResult r = unwrap();
                if (r == null) {
                    return -1;
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    peerClosed = true; // close_notify: what was sent before it is still delivered
                    break;
                }
                afterEngineStep(r.getHandshakeStatus());
                if (phase != Phase.OPEN) {
                    return -1;
                }
                if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0) {
                    continue;
                }
            }
            int n = fillNetIn();
            if (n < 0) {
                // The transport ended without close_notify (RFC 8446 section 6.1 calls that truncation): the
                // caller sees the connection as lost, which is what it is.
                if (!appIn.hasRemaining()) {
                    return -1;
                }
                break;
            }
            if (n == 0) {
                break;
            }
        }
        if (appIn.hasRemaining()) {
            int n = Math.min(len, appIn.remaining());
            appIn.get(b, off, n);
            return n;
        }
        return peerClosed ? -1 : 0;
    }

    /**
     * Sends close_notify if a TLS session is open (as much as the inner link takes now; closing never waits),
     * then closes the inner link. {@link #tlsFailure()} and {@link #peerChain()} stay readable.
     */
    @Override
    public void close() {
        if (phase == Phase.OPEN && engine != null) {
            try {
                engine.closeOutbound();
                netOut.compact();
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                recordBytesOut += r.bytesProduced();
            } catch (SSLException e) {
                // the session is ending anyway; the peer sees a closed connection without close_notify
            } finally {
                netOut.flip();
            }
            flushNetOut();
        }
        dropEngine();
        inner.close();
        if (phase != Phase.FAILED) {
            phase = Phase.CLOSED;
        }
    }

    @Override
    public Failure failure() {
        Failure f = inner.failure();
        if (f != Failure.NONE) {
            return f;
        }
        return tlsFailure == TlsFailure.TIMEOUT ? Failure.TIMEOUT
                : tlsFailure == TlsFailure.NONE ? Failure.NONE : Failure.IO_ERROR;
    }

    // ---- the engine's steps ----

    private void handshake() {
        try {
            for (int step = 0; step < MAX_STEPS && phase == Phase.HANDSHAKE; step++) {
                if (flushNetOut() < 0) {
                    fail(TlsFailure.HANDSHAKE_FAILED, "the connection was lost during the TLS handshake");
                    return;
                }
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK:
                        runTasks();
                        break;
                    case NEED_WRAP:
                        if (netOut.hasRemaining()) {
                            return; // the inner link has not taken the last flight yet
                        }
                        netOut.compact();
                        SSLEngineResult w;
                        try {
                            w = engine.wrap(EMPTY, netOut);
                        } finally {
                            netOut.flip();
                        }
                        recordBytesOut += w.bytesProduced();
                        if (w.getStatus() == SSLEngineResult.Status.CLOSED) {
                            flushNetOut();
                            fail(TlsFailure.HANDSHAKE_FAILED, "the TLS handshake was closed");
                            return;
                        }
                        break;
                    case NEED_UNWRAP:
                    case NEED_UNWRAP_AGAIN:
                        if (!handshakeUnwrap()) {
                            return;
                        }
                        break;
                    default: // FINISHED or NOT_HANDSHAKING
                        if (!verifier.ranThisHandshake() && !verifyResumedSession()) {
                            return;
                        }
                        phase = Phase.OPEN;
                        flushNetOut();
                        return;
                }
            }
        } catch (SSLException | RuntimeException e) {
            handshakeFailed(e);
        }
    }

    /** One unwrap during the handshake; false when it needs bytes that have not arrived (or it failed). */
    private boolean handshakeUnwrap() throws SSLException {
        if (netIn.hasRemaining()) {
            int before = netIn.remaining();
            SSLEngineResult r = unwrapOrThrow();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                fail(TlsFailure.HANDSHAKE_FAILED, "the server ended the TLS handshake");
                return false;
            }
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW
                    && (r.bytesConsumed() > 0 || netIn.remaining() != before
                    || r.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_UNWRAP)) {
                return true;
            }
        }
        int n = fillNetIn();
        if (n < 0) {
            fail(TlsFailure.HANDSHAKE_FAILED, "the server closed the connection during the TLS handshake");
            return false;
        }
        if (n == 0) {
            return false;
        }
        if (!sawFirstByte) {
            sawFirstByte = true;
            int first = netIn.get(netIn.position()) & 0xFF;
            if (first < 20 || first > 23) { // not a TLS ContentType (RFC 8446 section 5.1)
                fail(TlsFailure.NOT_TLS, "the server answered in plain text where TLS was expected: \""
                        + printable(netIn) + "\"");
                return false;
            }
        }
        return true;
    }

    /** A resumed session: the chain it was made with is checked again now; false (link failed) when refused. */
    private boolean verifyResumedSession() {
        SSLSession session = engine.getSession();
        try {
            java.security.cert.Certificate[] certs = session.getPeerCertificates();
            X509Certificate[] chain = new X509Certificate[certs.length];
            for (int i = 0; i < certs.length; i++) {
                chain[i] = (X509Certificate) certs[i];
            }
            verifier.checkResumed(chain);
            return true;
        } catch (java.security.cert.CertificateException | javax.net.ssl.SSLPeerUnverifiedException
                | ClassCastException e) {
            session.invalidate(); // never resume it again
            fail(verifier.failure() != TlsFailure.NONE ? verifier.failure() : TlsFailure.HANDSHAKE_FAILED,
                    verifier.failure() != TlsFailure.NONE ? verifier.detail() : "resumed session without a chain");
            return false;
        }
    }

    private static String printable(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        for (int i = b.position(); i < b.limit() && s.length() < 40; i++) {
            int c = b.get(i) & 0xFF;
            if (c == '\r' || c == '\n') {
                break;
            }
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return s.toString();
    }

    /** After a data-phase wrap or unwrap: TLS 1.3 post-handshake messages (key update) need a task or a wrap. */
    private void afterEngineStep(SSLEngineResult.HandshakeStatus hs) {
        try {
            for (int step = 0; step < MAX_STEPS; step++) {
                if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks();
                } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP && !netOut.hasRemaining()) {
                    netOut.compact();
                    try {
                        SSLEngineResult w = engine.wrap(EMPTY, netOut);
                        recordBytesOut += w.bytesProduced();
                    } finally {
                        netOut.flip();
                    }
                } else {
                    return;
                }
                hs = engine.getHandshakeStatus();
            }
        } catch (SSLException | RuntimeException e) {
            fail(TlsFailure.HANDSHAKE_FAILED, "TLS error: " + e.getMessage());
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run(); // inline, on the loop thread: no executor, no thread of our own
        }
    }

    /** Data-phase unwrap into appIn; null (link failed) on a TLS error. */
    private SSLEngineResult unwrap() {
        try {
            return unwrapOrThrow();
        } catch (SSLException e) {
            fail(TlsFailure.HANDSHAKE_FAILED, "TLS error while receiving: " + e.getMessage());
            return null;
        }
    }

    private SSLEngineResult unwrapOrThrow() throws SSLException {
        appIn.compact();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
        }
    }

    /** Moves what the inner link has into netIn; bytes read, 0 when none (or no room), -1 when it is gone. */
    private int fillNetIn() {
        netIn.compact();
        int n = 0;
        if (netIn.hasRemaining()) {
            n = inner.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (n > 0) {
                netIn.position(netIn.position() + n);
                recordBytesIn += n;
            }
        }
        netIn.flip();
        return n;
    }

    /** Hands the inner link what it takes of netOut; bytes taken, or -1 when it is gone. */
    private int flushNetOut() {
        int total = 0;
        while (netOut.hasRemaining()) {
            int n = inner.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                break;
            }
            netOut.position(netOut.position() + n);
            total += n;
        }
        return total;
    }

    private void handshakeFailed(Exception e) {
        if (verifier.failure() != TlsFailure.NONE) {
            fail(verifier.failure(), verifier.detail());
        } else {
            fail(TlsFailure.HANDSHAKE_FAILED, "TLS handshake failed: " + e.getMessage());
        }
        // JSSE has usually queued a fatal alert for the server: send it if the link takes it now.
        try {
            if (engine != null) {
                netOut.compact();
                try {
                    engine.wrap(EMPTY, netOut);
                } finally {
                    netOut.flip();
                }
                flushNetOut();
            }
        } catch (SSLException | RuntimeException ignored) {
            // the alert is a courtesy; the connection is closed next either way
        }
    }

    private void fail(TlsFailure f, String detail) {
        if (tlsFailure == TlsFailure.NONE) {
            tlsFailure = f;
            failureDetail = detail;
        }
        phase = Phase.FAILED;
    }

    private void dropEngine() {
        engine = null;
        resetBuffers();
    }
}
