package dev.w5100alert.board.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.w5100alert.board.log.Log;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The bridge dials only the port the loop published: a stand-in for the chip's bridged LISTEN socket (a plain
 * loopback server answering one line) is reached once its port is published, on the thread of the caller.
 */
class StatusBridgeTest {

    @Test
    void forwardsToThePublishedPortOnly() throws Exception {
        try (ServerSocket chip = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
             StatusBridge bridge = StatusBridge.start(0, new Log.Recording())) {
            Thread board = new Thread(() -> {
                try (Socket s = chip.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] b = new byte[5];
                    int n = in.readNBytes(b, 0, 5);
                    OutputStream out = s.getOutputStream();
                    out.write(("got " + new String(b, 0, n, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                } catch (Exception ignored) {
                    // the assertion below reports it
                }
            });
            board.setDaemon(true);
            board.start();
            bridge.publishChipListenPort(chip.getLocalPort()); // what the loop does at every cycle
            try (Socket browser = new Socket(InetAddress.getLoopbackAddress(), bridge.port())) {
                browser.setSoTimeout(10_000);
                browser.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(browser.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals("got hello", answer);
            }
        }
    }

    @Test
    void withoutAPublishedPortTheBrowserIsClosedAfterTheRetryWindow() throws Exception {
        try (StatusBridge bridge = StatusBridge.start(0, new Log.Recording());
             Socket browser = new Socket(InetAddress.getLoopbackAddress(), bridge.port())) {
            browser.setSoTimeout(20_000);
            browser.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, browser.getInputStream().read(), "nothing forwarded, connection closed");
        }
    }
}
