package dev.w5100alert.board.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.board.config.BoardConfig;
import dev.w5100alert.board.config.ConfigParser;
import dev.w5100alert.board.log.Log;
import dev.w5100alert.board.stack.SimulatedBoard;
import dev.w5100alert.hal.Clock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page as a person and a Prometheus server meet it: the board's own loop on the simulated chip
 * serves it while sensors change and alerts reach GreenMail; headless Chromium loads it through the
 * {@code --status-port} bridge, and the official Prometheus client's text-format parser reads /metrics.
 */
class StatusPageEndToEndTest {

    static final String PASSWORD = "pw-Zq81-never-shown";
    static final String USER = "relay-login-7";

    static final String CONFIG = """
            [network]
            mac = 02:00:5e:10:00:01
            ip = 192.168.1.50
            subnet = 255.255.255.0
            gateway = 192.168.1.1
            [smtp]
            server = 192.168.1.10
            port = 25
            tls = none
            sender = alarm@example.org
            recipients = ops@example.org, boss@example.org
            username = relay-login-7
            password-env = STATUS_PW
            allow-plaintext-auth = true
            timeout = 20s
            [outbox]
            retry-initial = 200ms
            retry-max = 1s
            [status]
            port = 80
            [sensor door]
            pin = 17
            debounce = 10ms
            active-name = open
            inactive-name = closed
            subject = [alarm] {sensor} {state}
            min-interval = 0s
            [sensor water]
            pin = 27
            debounce = 10ms
            active-name = wet
            inactive-name = dry
            min-interval = 0s
            """;

    @TempDir
    Path dir;

    GreenMail greenMail;
    SimulatedBoard board;
    Thread loop;
    final AtomicBoolean stop = new AtomicBoolean();
    final Log.Recording log = new Log.Recording();

    @BeforeEach
    void start() throws Exception {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser("alarm@example.org", USER, PASSWORD));
        greenMail.start();
        BoardConfig cfg = new ConfigParser(Map.of("STATUS_PW", PASSWORD)::get)
                .parse("status.conf", Arrays.asList(CONFIG.split("\n")), dir, null);
        board = SimulatedBoard.start(cfg, greenMail.getSmtp().getPort(), dir.resolve("outbox"), Clock.SYSTEM, log, null);
        board.stack.bringUp();
        loop = new Thread(() -> {
            try {
                board.stack.agent.run(stop::get, 1_000_000_000L);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "board-loop");
        loop.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        stop.set(true);
        loop.join(10_000);
        board.close();
        greenMail.stop();
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void chromiumShowsThePageAndPrometheusParsesTheMetricsWhileAlertsAreDelivered() throws Exception {
        int port = board.bridgeStatus(0, log).port();

        board.trip(0, true);   // door open
        await(() -> greenMail.getReceivedMessages().length >= 2, "the door alert (two recipients)");
        board.trip(1, true);   // water wet
        await(() -> greenMail.getReceivedMessages().length >= 4, "the water alert");
        board.trip(0, false);  // door closed again
        await(() -> greenMail.getReceivedMessages().length >= 6 && board.stack.outbox.pendingCount() == 0,
                "the door-closed alert");
        await(() -> board.stack.agent.deliveredCount() == 3, "three deliveries counted");

        // The metrics, as Prometheus's own client library parses them.
        String metrics = Http.get(port, "/metrics");
        assertTrue(metrics.startsWith("HTTP/1.1 200 OK\r\n"), metrics);
        assertTrue(metrics.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), metrics);
        Map<String, Double> samples = PrometheusParser.parse(Http.body(metrics));
        assertEquals(3.0, samples.get("w5100_alerts_accepted_total"), samples::toString);
        assertEquals(3.0, samples.get("w5100_alerts_delivered_total"), samples::toString);
        assertEquals(0.0, samples.get("w5100_alerts_failed_total"), samples::toString);
        assertEquals(3.0, samples.get("w5100_smtp_attempts_total{outcome=delivered}"), samples::toString);
        assertEquals(0.0, samples.get("w5100_smtp_attempts_total{outcome=transient}"), samples::toString);
        assertEquals(0.0, samples.get("w5100_chip_resets_total"), samples::toString);
        assertEquals(0.0, samples.get("w5100_outbox_queued"), samples::toString);
        assertEquals(0.0, samples.get("w5100_outbox_oldest_age_seconds"), samples::toString);
        assertEquals(0.0, samples.get("w5100_sensor_active{sensor=door}"), samples::toString);
        assertEquals(1.0, samples.get("w5100_sensor_active{sensor=water}"), samples::toString);
        double lastDelivery = samples.get("w5100_last_delivery_timestamp_seconds");
        assertTrue(Math.abs(lastDelivery - System.currentTimeMillis() / 1000.0) < 120, "last delivery " + lastDelivery);

        String json = Http.body(Http.get(port, "/status.json"));
        assertTrue(json.contains("\"name\":\"water\",\"state\":\"wet\",\"active\":true"), json);
        assertTrue(json.contains("\"delivered\":3"), json);

        // The page in a real browser, through the --status-port bridge.
        Chromium.Result page = Chromium.load("http://127.0.0.1:" + port + "/", Path.of("target", "status-page.png"));
        String dom = page.dom();
        assertTrue(dom.contains("<h1>W5100 alert</h1>"), dom);
        assertTrue(dom.matches("(?s).*<td>door</td><td class=\"off\">closed</td>.*"), dom);
        assertTrue(dom.matches("(?s).*<td>water</td><td class=\"on\">wet</td>.*"), dom);
        assertTrue(dom.contains("<tr><td>Delivered</td><td>3</td></tr>"), dom);
        assertTrue(dom.contains("0 alerts queued"), dom);
        assertTrue(dom.contains("<svg"), dom);
        assertTrue(dom.contains("last 24 h: 2 change(s)"), "door opened and closed: " + dom);
        assertTrue(Files.size(page.screenshot()) > 5_000, "screenshot written");

        // Read-only: nothing secret or personal on any page, in plain text or Base64.
        List<String> secrets = List.of(PASSWORD, USER, "ops@example.org", "boss@example.org", "alarm@example.org",
                Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        for (String text : List.of(metrics, json, dom, Http.get(port, "/"))) {
            for (String s : secrets) {
                assertFalse(text.contains(s), "a page shows " + s);
            }
        }
    }
}
