package dev.w5100alert.firmware.testing;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server that speaks STARTTLS with AUTH (SubEthaSMTP 7.x) on 127.0.0.1, ephemeral port, presenting a
 * {@link TestPki} certificate. As submission servers do, it requires TLS and offers AUTH only after STARTTLS. It
 * keeps the messages and every login attempt (user names only).
 */
public final class StartTlsSmtpServer implements AutoCloseable {

    /** One delivered message. */
    public record Received(String from, String to, byte[] data) {
    }

    private final SMTPServer server;
    private final List<Received> messages = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final List<String> logins = new CopyOnWriteArrayList<>();

    /**
     * @param protocols TLS versions the server allows (e.g. "TLSv1.2"), none for the JDK's defaults
     */
    public StartTlsSmtpServer(SSLContext context, String user, String password, String... protocols) {
        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("mail.example.test")
                .enableTLS()
                .requireTLS()
                .requireAuth()
                .showAuthCapabilitiesBeforeSTARTTLS(false)
                .startTlsSocketFactory(raw -> {
                    raw.setTcpNoDelay(true);
                    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw,
                            raw.getInetAddress().getHostAddress(), raw.getPort(), true);
                    s.setUseClientMode(false);
                    if (protocols.length > 0) {
                        s.setEnabledProtocols(protocols);
                    }
                    return s;
                })
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((u, p, ctx) -> {
                    logins.add(u);
                    if (!u.equals(user) || !p.equals(password)) {
                        throw new LoginFailedException("bad credentials");
                    }
                }))
                .messageHandler((ctx, from, to, data) -> messages.add(new Received(from, to, data)))
                .build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> messages() {
        return messages;
    }

    public List<String> logins() {
        return logins;
    }

    @Override
    public void close() {
        server.stop();
    }
}
