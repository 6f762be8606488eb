package dev.w5100alert.firmware.smtp;

import dev.w5100alert.firmware.mail.Mailbox;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.tls.TlsPolicy;

/**
 * Immutable engine configuration, built once with {@link #builder()}. Every buffer the engine owns is
 * sized from here. {@link #toString()} never shows the password.
 */
public final class SmtpConfig {

    private final int serverIpv4;
    private final int serverPort;
    private final String heloName;
    private final String username;
    private final String password;
    private final boolean allowPlaintextAuth;
    private final AuthMechanism authMechanism;
    private final boolean keepSessionOpen;
    private final long sessionIdleMillis;
    private final SmtpTimeouts timeouts;
    private final MessageLimits limits;
    private final String messageIdDomain;
    private final int zoneOffsetMinutes;
    private final int maxReplyLineBytes;
    private final int sendChunkBytes;
    private final TlsPolicy tls;

    private SmtpConfig(Builder b) {
        serverIpv4 = b.serverIpv4;
        serverPort = b.serverPort;
        heloName = b.heloName;
        username = b.username;
        password = b.password;
        allowPlaintextAuth = b.allowPlaintextAuth;
        authMechanism = b.authMechanism;
        keepSessionOpen = b.keepSessionOpen;
        sessionIdleMillis = b.sessionIdleMillis;
        timeouts = b.timeouts;
        limits = b.limits;
        messageIdDomain = b.messageIdDomain;
        zoneOffsetMinutes = b.zoneOffsetMinutes;
        maxReplyLineBytes = b.maxReplyLineBytes;
        sendChunkBytes = b.sendChunkBytes;
        tls = b.tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parses dotted IPv4 text ("127.0.0.1") into the int {@link dev.w5100alert.firmware.net.TcpLink} takes. */
    public static int parseIpv4(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        int ip = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            ip = ip << 8 | v;
        }
        return ip;
    }

    public int serverIpv4() {
        return serverIpv4;
    }

    public int serverPort() {
        return serverPort;
    }

    public String heloName() {
        return heloName;
    }

    public boolean hasCredentials() {
        return username != null;
    }

    String username() {
        return username;
    }

    String password() {
        return password;
    }

    public boolean allowPlaintextAuth() {
        return allowPlaintextAuth;
    }

    /** Which AUTH mechanism to use (AUTO: PLAIN when offered, else LOGIN). */
    public AuthMechanism authMechanism() {
        return authMechanism;
    }

    public boolean keepSessionOpen() {
        return keepSessionOpen;
    }

    /** How long a kept session may sit idle before the engine QUITs it (0 = no limit). */
    public long sessionIdleMillis() {
        return sessionIdleMillis;
    }

    public SmtpTimeouts timeouts() {
        return timeouts;
    }

    public MessageLimits limits() {
        return limits;
    }

    public String messageIdDomain() {
        return messageIdDomain;
    }

    public int zoneOffsetMinutes() {
        return zoneOffsetMinutes;
    }

    /** Longest reply line accepted, CRLF included (a reply may have any number of lines). */
    public int maxReplyLineBytes() {
        return maxReplyLineBytes;
    }

    public int sendChunkBytes() {
        return sendChunkBytes;
    }

    /** How the connection is secured ({@link TlsPolicy#NONE} unless {@link Builder#tls} was called). */
    public TlsPolicy tls() {
        return tls;
    }

    @Override
    public String toString() {
        return "SmtpConfig[server=" + (serverIpv4 >>> 24) + '.' + (serverIpv4 >>> 16 & 0xFF) + '.'
                + (serverIpv4 >>> 8 & 0xFF) + '.' + (serverIpv4 & 0xFF) + ':' + serverPort + ", helo=" + heloName
                + ", user=" + (username == null ? "(none)" : username) + ", password="
                + (password == null ? "(none)" : "(redacted)") + ", allowPlaintextAuth=" + allowPlaintextAuth + ", auth=" + authMechanism
                + ", tls=" + tls + ", keepSessionOpen=" + keepSessionOpen + ", sessionIdleMillis=" + sessionIdleMillis + ", " + timeouts + ", " + limits + ']';
    }

    /** Collects and checks the settings; {@link #build()} refuses an incomplete or inconsistent set. */
    public static final class Builder {
        private int serverIpv4 = -1;
        private int serverPort = 25;
        private String heloName;
        private String username;
        private String password;
        private boolean allowPlaintextAuth;
        private AuthMechanism authMechanism = AuthMechanism.AUTO;
        private boolean keepSessionOpen;
        private long sessionIdleMillis;
        private SmtpTimeouts timeouts = SmtpTimeouts.RFC_5321;
        private MessageLimits limits = MessageLimits.DEFAULT;
        private String messageIdDomain;
        private int zoneOffsetMinutes;
        private int maxReplyLineBytes = 512;
        private int sendChunkBytes = 1024;
        private TlsPolicy tls = TlsPolicy.NONE;
        private boolean serverSet;

        private Builder() {
        }

        /** SMTP server address and port (IPv4 only: the W5100 has no IPv6 and no DNS here). */
        public Builder server(String ipv4, int port) {
            return server(parseIpv4(ipv4), port);
        }

        public Builder server(int ipv4, int port) {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("SMTP port out of range: " + port);
            }
            serverIpv4 = ipv4;
            serverPort = port;
            serverSet = true;
            return this;
        }

        /** EHLO/HELO argument: a host name or an address literal such as {@code [192.0.2.7]}. */
        public Builder heloName(String name) {
            String p = Mailbox.problem("x@" + name);
            if (p != null) {
                throw new IllegalArgumentException("EHLO name is not a host name or [a.b.c.d] literal: " + p);
            }
            heloName = name;
            return this;
        }

        /** AUTH credentials (PLAIN preferred, LOGIN otherwise). Both or neither. */
        public Builder credentials(String user, String pass) {
            if (user == null || pass == null || user.isEmpty()) {
                throw new IllegalArgumentException("credentials need a user name and a password");
            }
            for (int i = 0; i < user.length(); i++) {
                if (user.charAt(i) < 0x20 || user.charAt(i) == 0x7F) {
                    throw new IllegalArgumentException("control character in the user name");
                }
            }
            for (int i = 0; i < pass.length(); i++) {
                if (pass.charAt(i) == 0) {
                    throw new IllegalArgumentException("NUL character in the password");
                }
            }
            username = user;
            password = pass;
            return this;
        }

        /**
         * How the connection is secured: STARTTLS or implicit TLS with verification, or {@link TlsPolicy#NONE}
         * (the default, for callers that predate TLS). With TLS the engine wraps its link in a
         * {@link dev.w5100alert.firmware.tls.TlsLink} itself.
         */
        public Builder tls(TlsPolicy policy) {
            tls = java.util.Objects.requireNonNull(policy);
            return this;
        }

        /** Allows AUTH over an unencrypted connection (without TLS); off by default. Not needed inside TLS. */
        public Builder allowPlaintextAuth(boolean allow) {
            allowPlaintextAuth = allow;
            return this;
        }

        /** Restricts AUTH to one mechanism (default AUTO: PLAIN when offered, LOGIN otherwise). */
        public Builder authMechanism(AuthMechanism m) {
            authMechanism = java.util.Objects.requireNonNull(m);
            return this;
        }

        /** Keeps the session open after a send (RSET instead of QUIT after a failed transaction). */
        public Builder keepSessionOpen(boolean keep) {
            keepSessionOpen = keep;
            return this;
        }

        /**
         * With {@link #keepSessionOpen}: QUIT a session idle this long (0 = keep it until the server drops it).
         * Servers commonly drop idle clients after a few minutes (RFC 5321 section 4.5.3.2.7: 5 min).
         */
        public Builder sessionIdleMillis(long millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("session idle limit must not be negative: " + millis);
            }
            sessionIdleMillis = millis;
            return this;
        }

        public Builder timeouts(SmtpTimeouts t) {
            timeouts = java.util.Objects.requireNonNull(t);
            return this;
        }

        public Builder limits(MessageLimits l) {
            limits = java.util.Objects.requireNonNull(l);
            return this;
        }

        /** Domain for Message-ID (default: the sender's domain). */
        public Builder messageIdDomain(String domain) {
            messageIdDomain = domain;
            return this;
        }

        /** Zone of the Date header, minutes east of UTC (default 0). */
        public Builder zoneOffsetMinutes(int minutes) {
            zoneOffsetMinutes = minutes;
            return this;
        }

        /**
         * Longest reply line accepted, CRLF included: RFC 5321 section 4.5.3.1.5 gives 512 (the default) and
         * allows more. This is the parser's whole memory; the number of lines in a reply is not bounded (the
         * stage deadline bounds how long a reply may go on).
         */
        public Builder maxReplyLineBytes(int bytes) {
            if (bytes < 512 || bytes > 65_536) {
                throw new IllegalArgumentException("reply line bound must be 512..65536 bytes: " + bytes);
            }
            maxReplyLineBytes = bytes;
            return this;
        }

        /** Size of the staging buffer for message data handed to the link per step (default 1024). */
        public Builder sendChunkBytes(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("send chunk must be at least 64 bytes: " + bytes);
            }
            sendChunkBytes = bytes;
            return this;
        }

        public SmtpConfig build() {
            if (!serverSet) {
                throw new IllegalArgumentException("SMTP server address not set");
            }
            if (heloName == null) {
                throw new IllegalArgumentException("EHLO name not set");
            }
            return new SmtpConfig(this);
        }
    }
}
