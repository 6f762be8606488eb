package dev.w5100alert.board.stack;

import dev.w5100alert.firmware.lan.LanAgent;
import dev.w5100alert.firmware.net.TcpLink;

/**
 * The SMTP engine's link, connecting to the address {@link LanAgent} found for the configured server name
 * (an IPv4 literal resolves to itself) rather than the fixed address in the engine's configuration. Each
 * connect reads the current answer, so a server that moved is followed after the next lookup round.
 */
final class ResolvedTcpLink implements TcpLink {
    private final TcpLink link;
    private final LanAgent lan;

    ResolvedTcpLink(TcpLink link, LanAgent lan) {
        this.link = link;
        this.lan = lan;
    }

    @Override
    public void connect(int ipv4, int port) {
        int resolved = lan.mailServer();
        link.connect(resolved != 0 ? resolved : ipv4, port);
    }

    @Override
    public State poll() {
        return link.poll();
    }

    @Override
    public int write(byte[] b, int off, int len) {
        return link.write(b, off, len);
    }

    @Override
    public int read(byte[] b, int off, int len) {
        return link.read(b, off, len);
    }

    @Override
    public void close() {
        link.close();
    }

    @Override
    public Failure failure() {
        return link.failure();
    }
}
