package dev.w5100alert.firmware.http;

/**
 * A small HTTP/1.1 server for the board's status pages: one connection at a time on one socket, stepped by
 * {@link #doWork(long)} from the firmware loop and never waiting inside it.
 *
 * <p>Per connection: the request line (at most {@value #MAX_REQUEST_LINE} bytes, else 414) and the header
 * section (at most {@value #MAX_HEADER_BYTES} bytes in all, else 431) must arrive within
 * {@link #REQUEST_TIMEOUT_NANOS} of the connection (else 408). {@code GET} of a known path gets the page
 * from {@link StatusContent}; another path 404, another method 405, a request line that is not HTTP 400.
 * Every answer closes the connection ({@code Connection: close}). The answer must leave within
 * {@link #SEND_TIMEOUT_NANOS} (a client that never reads is dropped) and the close handshake within
 * {@link #CLOSE_TIMEOUT_NANOS}; after that the socket is closed hard and listens again.
 *
 * <p>Each step moves at most one chunk in and one chunk out, so a step costs a bounded amount of SPI work
 * whatever the client does. All buffers are allocated here, once; serving a request allocates nothing.
 * Not thread-safe: the loop's thread owns it.
 */
public final class HttpResponder {

    public static final int MAX_REQUEST_LINE = 1024;
    public static final int MAX_HEADER_BYTES = 1024;
    public static final long REQUEST_TIMEOUT_NANOS = 2_000_000_000L;
    public static final long SEND_TIMEOUT_NANOS = 5_000_000_000L;
    public static final long CLOSE_TIMEOUT_NANOS = 1_000_000_000L;
    /** After the socket could not be opened, when to try again. */
    public static final long RELISTEN_NANOS = 1_000_000_000L;
    /** Bytes moved per step, each way. */
    static final int CHUNK = 512;

    private enum Phase { DOWN, LISTENING, READING, WRITING, DRAINING, CLOSING }

    private enum Parse { LEADING, LINE, HEADERS, DONE }

    private static final byte[] GET = {'G', 'E', 'T'};

    private final ServerLink link;
    private final StatusContent content;
    private final ResponseBody body;
    private final ResponseBody head = new ResponseBody(256);
    private final byte[] line = new byte[MAX_REQUEST_LINE];
    private final byte[] chunk = new byte[CHUNK];

    private Phase phase = Phase.DOWN;
    private Parse parse;
    private int lineLength;
    private int headerBytes;
    /** Line feeds seen at the end of the header section so far (a CR in between is skipped). */
    private boolean atLineStart;
    private long retryAt;
    private long deadline;
    private int sendPos;
    private int responseStatus;

    private long connections;
    private long served;
    private long rejected;
    private long dropped;
    private final long[] statusCounts = new long[STATUSES.length];

    /** The statuses this responder can answer with, for {@link #statusCount(int)}. */
    public static final int[] STATUSES = {200, 400, 404, 405, 408, 414, 431, 500};

    /**
     * @param bodyCapacity the largest page in bytes (a page that does not fit is answered with 500)
     */
    public HttpResponder(ServerLink link, StatusContent content, int bodyCapacity) {
        this.link = link;
        this.content = content;
        this.body = new ResponseBody(bodyCapacity);
    }

    /** One step; returns the amount of work done (0: nothing happened). */
    public int doWork(long now) {
        switch (phase) {
            case DOWN -> {
                if (now - retryAt < 0) {
                    return 0;
                }
                if (link.listen()) {
                    phase = Phase.LISTENING;
                } else {
                    retryAt = now + RELISTEN_NANOS;
                }
                return 1;
            }
            case LISTENING -> {
                ServerLink.State s = link.poll();
                if (s == ServerLink.State.CONNECTED) {
                    connections++;
                    startRequest(now);
                    return 1;
                }
                if (s == ServerLink.State.CLOSED) {
                    phase = Phase.DOWN;
                    retryAt = now;
                    return 1;
                }
                return 0;
            }
            case READING -> {
                return read(now);
            }
            case WRITING -> {
                return write(now);
            }
            case DRAINING -> {
                discardInput();
                if (link.sent()) {
                    link.disconnect();
                    phase = Phase.CLOSING;
                    deadline = now + CLOSE_TIMEOUT_NANOS;
                    return 1;
                }
                return giveUpAt(now);
            }
            case CLOSING -> {
                discardInput();
                if (link.poll() == ServerLink.State.CLOSED) {
                    relisten(now);
                    return 1;
                }
                return giveUpAt(now);
            }
            default -> throw new IllegalStateException();
        }
    }

    private void startRequest(long now) {
        phase = Phase.READING;
        parse = Parse.LEADING;
        lineLength = 0;
        headerBytes = 0;
        atLineStart = false;
        deadline = now + REQUEST_TIMEOUT_NANOS;
    }

    private int read(long now) {
        int n = link.read(chunk, 0, CHUNK);
        if (n < 0) {
            // The client went away before asking anything complete: nobody to answer.
            dropped++;
            relisten(now);
            return 1;
        }
        for (int i = 0; i < n && phase == Phase.READING; i++) {
            take(chunk[i] & 0xFF, now);
        }
        if (phase == Phase.READING && now - deadline >= 0) {
            respondError(408, "Request Timeout", now);
            return 1;
        }
        return n > 0 ? 1 : 0;
    }

    private void take(int b, long now) {
        switch (parse) {
            case LEADING -> {
                // RFC 9112 2.2: empty lines before the request line are ignored (bounded by the header budget).
                if (b == '\r' || b == '\n') {
                    if (++headerBytes > MAX_HEADER_BYTES) {
                        respondError(400, "Bad Request", now);
                    }
                    return;
                }
                parse = Parse.LINE;
                take(b, now);
            }
            case LINE -> {
                if (b == '\n') {
                    if (lineLength > 0 && line[lineLength - 1] == '\r') {
                        lineLength--;
                    }
                    parse = Parse.HEADERS;
                    headerBytes = 0;
                    atLineStart = true;
                    if (!requestLineWellFormed()) {
                        respondError(400, "Bad Request", now);
                    }
                    return;
                }
                if (lineLength == MAX_REQUEST_LINE) {
                    respondError(414, "URI Too Long", now);
                    return;
                }
                line[lineLength++] = (byte) b;
            }
            case HEADERS -> {
                if (++headerBytes > MAX_HEADER_BYTES) {
                    respondError(431, "Request Header Fields Too Large", now);
                    return;
                }
                if (b == '\n') {
                    if (atLineStart) {
                        parse = Parse.DONE;
                        answer(now);
                        return;
                    }
                    atLineStart = true;
                } else if (b != '\r') {
                    atLineStart = false;
                }
            }
            default -> { }
        }
    }

    /** METHOD SP request-target SP HTTP/1.x, method a token, target starting with '/' or a token char. */
    private boolean requestLineWellFormed() {
        int sp1 = indexOf(' ', 0);
        if (sp1 <= 0 || sp1 > 20) {
            return false;
        }
        for (int i = 0; i < sp1; i++) {
            if (!tchar(line[i])) {
                return false;
            }
        }
        int sp2 = indexOf(' ', sp1 + 1);
        if (sp2 <= sp1 + 1 || lineLength - sp2 - 1 != 8) {
            return false;
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            int c = line[i] & 0xFF;
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        int v = sp2 + 1;
        return line[v] == 'H' && line[v + 1] == 'T' && line[v + 2] == 'T' && line[v + 3] == 'P' && line[v + 4] == '/'
                && line[v + 5] == '1' && line[v + 6] == '.' && (line[v + 7] == '0' || line[v + 7] == '1');
    }

    private static boolean tchar(byte b) {
        int c = b & 0xFF;
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '!' || c == '#'
                || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+' || c == '-' || c == '.'
                || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';
    }

    private int indexOf(char c, int from) {
        for (int i = from; i < lineLength; i++) {
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private void answer(long now) {
        int sp1 = indexOf(' ', 0);
        int sp2 = indexOf(' ', sp1 + 1);
        boolean get = sp1 == GET.length && line[0] == 'G' && line[1] == 'E' && line[2] == 'T';
        if (!get) {
            respondError(405, "Method Not Allowed", now);
            return;
        }
        int pathEnd = sp2;
        for (int i = sp1 + 1; i < sp2; i++) {
            if (line[i] == '?') {
                pathEnd = i;
                break;
            }
        }
        StatusContent.Resource found = null;
        for (StatusContent.Resource r : RESOURCES) {
            if (pathIs(r.path, sp1 + 1, pathEnd)) {
                found = r;
                break;
            }
        }
        if (found == null) {
            respondError(404, "Not Found", now);
            return;
        }
        body.clear();
        content.write(found, now, body);
        if (body.overflowed()) {
            respondError(500, "Internal Server Error", now);
            return;
        }
        respond(200, "OK", found.contentType, now);
    }

    private static final StatusContent.Resource[] RESOURCES = StatusContent.Resource.values();

    private boolean pathIs(String path, int from, int to) {
        if (to - from != path.length()) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            if (line[from + i] != path.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void respondError(int status, String reason, long now) {
        body.clear();
        body.number(status).put(' ').ascii(reason).put('\n');
        respond(status, reason, "text/plain; charset=utf-8", now);
    }

    private void respond(int status, String reason, String contentType, long now) {
        head.clear();
        head.ascii("HTTP/1.1 ").number(status).put(' ').ascii(reason).ascii("\r\nContent-Type: ").ascii(contentType)
                .ascii("\r\nContent-Length: ").number(body.length())
                .ascii("\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n");
        if (status == 405) {
            head.ascii("Allow: GET\r\n");
        }
        head.ascii("\r\n");
        responseStatus = status;
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                statusCounts[i]++;
            }
        }
        if (status == 200) {
            served++;
        } else {
            rejected++;
        }
        parse = Parse.DONE;
        phase = Phase.WRITING;
        sendPos = 0;
        deadline = now + SEND_TIMEOUT_NANOS;
    }

    private int write(long now) {
        int headLen = head.length();
        int total = headLen + body.length();
        int n;
        if (sendPos < headLen) {
            n = link.write(head.array(), sendPos, headLen - sendPos);
        } else {
            n = link.write(body.array(), sendPos - headLen, Math.min(total - sendPos, 2048));
        }
        if (n < 0) {
            dropped++;
            relisten(now);
            return 1;
        }
        sendPos += n;
        if (sendPos == total) {
            phase = Phase.DRAINING;
            return 1;
        }
        if (n == 0) {
            return giveUpAt(now);
        }
        return 1;
    }

    /** Past the deadline of the current phase: closes hard and listens again. */
    private int giveUpAt(long now) {
        if (now - deadline < 0) {
            return 0;
        }
        dropped++;
        relisten(now);
        return 1;
    }

    /** Reads and forgets what the client still sends, so closing does not turn into a reset that eats the answer. */
    private void discardInput() {
        link.read(chunk, 0, CHUNK);
    }

    /**
     * Closes hard and listens again in the same step: while no socket listens the chip refuses
     * connections, so the gap is kept as short as the bus allows.
     */
    private void relisten(long now) {
        link.abort();
        if (link.listen()) {
            phase = Phase.LISTENING;
        } else {
            phase = Phase.DOWN;
            retryAt = now + RELISTEN_NANOS;
        }
    }

    /** Connections accepted. */
    public long connections() {
        return connections;
    }

    /** Requests answered with 200. */
    public long served() {
        return served;
    }

    /** Requests answered with an error status. */
    public long rejected() {
        return rejected;
    }

    /** Connections closed hard: the client left early, or a send or close deadline passed. */
    public long dropped() {
        return dropped;
    }

    /** Answers with {@code status} so far (0 for a status not in {@link #STATUSES}). */
    public long statusCount(int status) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                return statusCounts[i];
            }
        }
        return 0;
    }

    /** The status of the latest answer (0 before the first). */
    public int lastStatus() {
        return responseStatus;
    }

    /** True while a client holds the socket (connected and not yet closed). */
    public boolean busy() {
        return phase != Phase.DOWN && phase != Phase.LISTENING;
    }
}
