package dev.w5100alert.firmware.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Serving a request allocates nothing: after warm-up, N complete requests (accept, parse, page written by a
 * content writer that writes numbers, answer, close, listen again) cost 0 bytes on the loop's thread. The link
 * is an in-memory one, so only the responder and the page are measured (over the simulated chip the simulator
 * runs on this thread too and its loopback accept allocates; the benchmark reports that figure apart).
 */
class ResponderAllocationTest {

    /** A client in memory: one request per connection, answer collected into a fixed array. */
    static final class MemoryLink implements ServerLink {
        final byte[] request;
        final byte[] answer = new byte[8192];
        int answerLength;
        int readPos;
        boolean connected;
        boolean listening;
        boolean closing;
        long completed;
        long answerBytes;
        int lastStatusDigit;

        MemoryLink(String request) {
            this.request = request.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public boolean listen() {
            listening = true;
            connected = false;
            closing = false;
            readPos = 0;
            answerLength = 0;
            return true;
        }

        @Override
        public State poll() {
            if (closing) {
                completed++;
                answerBytes += answerLength;
                lastStatusDigit = answer[9];
                closing = false;
                connected = false;
                return State.CLOSED;
            }
            if (connected) {
                return State.CONNECTED;
            }
            if (listening) {
                connected = true; // a client is always waiting
                listening = false;
                return State.CONNECTED;
            }
            return State.CLOSED;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, request.length - readPos);
            System.arraycopy(request, readPos, b, off, n);
            readPos += n;
            return n;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            int n = Math.min(len, answer.length - answerLength);
            System.arraycopy(b, off, answer, answerLength, n);
            answerLength += n;
            return n;
        }

        @Override
        public boolean sent() {
            return true;
        }

        @Override
        public void disconnect() {
            closing = true;
        }

        @Override
        public void abort() {
            connected = false;
            listening = false;
            closing = false;
        }
    }

    /** Numbers, escaped text and labels, as the board's pages write them. */
    static final StatusContent CONTENT = (resource, now, out) -> {
        for (int i = 0; i < 20; i++) {
            out.ascii("w5100_metric_total{sensor=\"").label("door \"front\"").ascii("\"} ").number(now + i)
                    .put(' ').millisAsSeconds(now / 1_000_000L).put('\n');
            out.html("<b>&</b>").json("q\"\n").padded(i, 2).put('\n');
        }
    };

    @Test
    void servesRequestsWithoutAllocatingInSteadyState() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().threadId();
        MemoryLink link = new MemoryLink("GET /metrics HTTP/1.1\r\nHost: board\r\nAccept: */*\r\n\r\n");
        HttpResponder responder = new HttpResponder(link, CONTENT, 4096);
        long now = 1_000_000_000L;
        while (link.completed < 20_000) {
            responder.doWork(now++);
        }
        long[] rounds = new long[10];
        int clean = -1;
        for (int r = 0; r < rounds.length && clean < 0; r++) {
            long start = link.completed;
            long before = threads.getThreadAllocatedBytes(me);
            while (link.completed < start + 1000) {
                responder.doWork(now++);
            }
            rounds[r] = threads.getThreadAllocatedBytes(me) - before;
            if (rounds[r] == 0) {
                clean = r;
            }
        }
        assertEquals('2', link.lastStatusDigit, "answers are 200");
        assertEquals(link.completed, responder.served());
        assertTrue(clean >= 0, "every round of 1000 requests allocated: " + java.util.Arrays.toString(rounds));
    }
}
