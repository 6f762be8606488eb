package dev.w5100alert.board.stack;

import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.pki.DemoPki;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The SMTP server that {@code demo} and {@code --simulated} runs embed on 127.0.0.1 (SubEthaSMTP), set up like a
 * real submission server for the board's {@code smtp.tls}: STARTTLS required before anything else, or TLS from the
 * first byte, or plain for {@code tls = none}; AUTH with the configured user and password. Its certificate comes
 * from a {@link DemoPki} made at start for the name (or IP address) the board expects, and the board is given that
 * CA as its trust anchor ({@link #boardConfig}) in place of {@code ca-file}: the board verifies it exactly as it
 * would verify a real server.
 */
public final class DemoMailServer implements AutoCloseable {

    /** One message as the server received it, per recipient. */
    public record Received(String from, String to, byte[] data) { }

    private final SMTPServer server;
    private final DemoPki pki;
    private final BoardConfig.TlsMode mode;
    private final List<Received> sink; // filled by the server's threads, guarded by itself

    private DemoMailServer(SMTPServer server, DemoPki pki, BoardConfig.TlsMode mode, List<Received> sink) {
        this.server = server;
        this.pki = pki;
        this.mode = mode;
        this.sink = sink;
    }

    /** Starts a server for {@code smtp}'s TLS mode and credentials on an ephemeral port of 127.0.0.1. */
    public static DemoMailServer start(BoardConfig.Smtp smtp) {
        String name = smtp.tls().expectedName(smtp.serverText());
        DemoPki pki = DemoPki.create(System.currentTimeMillis(), name, name == null ? smtp.server() : null);
        List<Received> sink = new ArrayList<>();
        SMTPServer.Builder b = SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress())
                .hostName(name != null ? name : "demo-mail-server").softwareName("SubEthaSMTP (w5100-alert demo)")
                .connectionTimeoutMs((int) Math.max(smtp.timeout().toMillis(), 10_000))
                .messageHandler((context, from, to, data) -> {
                    synchronized (sink) {
                        sink.add(new Received(from, to, data));
                    }
                });
        switch (smtp.tls().mode()) {
            case STARTTLS -> b.enableTLS().requireTLS().startTlsSocketFactory(pki.serverContext());
            case IMPLICIT -> b.serverSocketFactory(pki.serverContext());
            case NONE -> { }
        }
        if (smtp.hasCredentials()) {
            String user = smtp.username();
            String password = smtp.password();
            b.authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, context) -> {
                if (!user.equals(u) || !password.equals(p)) {
                    throw new LoginFailedException();
                }
            })).requireAuth();
        }
        SMTPServer server = b.build();
        server.start();
        return new DemoMailServer(server, pki, smtp.tls().mode(), sink);
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return server.getPortAllocated();
    }

    public DemoPki pki() {
        return pki;
    }

    /** Messages received so far (a copy). */
    public List<Received> received() {
        synchronized (sink) {
            return List.copyOf(sink);
        }
    }

    /** What the server speaks, for the demo's banner. */
    public String describe() {
        return switch (mode) {
            case STARTTLS -> "embedded SubEthaSMTP (STARTTLS required, certificate from a demo CA made for this run)";
            case IMPLICIT -> "embedded SubEthaSMTP (implicit TLS, certificate from a demo CA made for this run)";
            case NONE -> "embedded SubEthaSMTP (no TLS)";
        };
    }

    /**
     * {@code cfg} with the demo CA as the only trust anchor in place of {@code ca-file} (for TLS modes); everything
     * else, the expected name included, stays as configured.
     */
    public BoardConfig boardConfig(BoardConfig cfg) {
        BoardConfig.Smtp s = cfg.smtp();
        if (s.tls().mode() == BoardConfig.TlsMode.NONE) {
            return cfg;
        }
        BoardConfig.TlsSettings t = new BoardConfig.TlsSettings(s.tls().mode(), null, pki.trustStore(),
                List.of(pki.caCertificate().getSubjectX500Principal().getName()), s.tls().serverName());
        BoardConfig.Smtp smtp = new BoardConfig.Smtp(s.server(), s.serverHost(), s.port(), s.heloName(), s.sender(), s.recipients(),
                s.username(), s.password(), s.allowPlaintextAuth(), s.auth(), s.timeout(), s.timeouts(), t);
        return new BoardConfig(cfg.network(), cfg.hardware(), smtp, cfg.outbox(), cfg.time(), cfg.sensors(),
                cfg.warnings(), cfg.status(), cfg.heartbeat());
    }

    @Override
    public void close() {
        server.stop();
    }
}
