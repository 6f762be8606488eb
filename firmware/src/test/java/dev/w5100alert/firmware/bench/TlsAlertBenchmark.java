package dev.w5100alert.firmware.bench;

import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.StartTlsSmtpServer;
import dev.w5100alert.firmware.testing.TestPki;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import dev.w5100alert.hal.Clock;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.lang.management.ManagementFactory;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Alerts per second over STARTTLS, one connection (and one full, verified handshake) per alert, to an in-process
 * SubEthaSMTP server that requires TLS before AUTH: the firmware's engine over java.nio against Angus Mail 2.0.x
 * (Jakarta Mail) with {@code mail.smtp.starttls.required}, {@code checkserveridentity} and a trust store holding only
 * the test CA. Both send the same kind of message (text and a small CSV attachment) to the same server set-up with
 * the same certificate in the same run. At the trial's end each prints the bytes allocated per alert on the
 * sending thread (ThreadMXBean; {@code -prof gc} would add the server's threads, which run in this JVM too).
 *
 * <pre>./bench firmware TlsAlertBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsAlertBenchmark {

    static final String HOST = "mail.example.test";

    @Param({"FIRMWARE", "ANGUS"})
    public String client;

    private StartTlsSmtpServer server;
    private Transport.Stack stack;
    private SmtpEngine engine;
    private AlertFixture fixture;
    private Session session;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long allocatedAtStart;
    private long alerts;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        long now = System.currentTimeMillis();
        TestPki pki = new TestPki("Bench", now);
        TestPki.ServerCert cert = pki.server(HOST, now - TestPki.DAY, now + 30 * TestPki.DAY, HOST, "IP:127.0.0.1");
        server = new StartTlsSmtpServer(cert.serverContext(), "alert-user", "pw");
        if (client.equals("FIRMWARE")) {
            stack = Transport.NIO.open(server.port(), Clock.SYSTEM);
            SmtpConfig config = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort())
                    .heloName("[192.168.1.50]").credentials("alert-user", "pw")
                    .tls(TlsPolicy.of(TlsMode.STARTTLS, pki.trustStore(), HOST, 0)).build();
            engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config, null, 42);
            fixture = new AlertFixture();
        } else {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(pki.trustStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", String.valueOf(server.port()));
            p.put("mail.smtp.auth", "true");
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
            p.put("mail.smtp.ssl.socketFactory", ctx.getSocketFactory());
            p.put("mail.smtp.localhost", "client.example.test");
            session = Session.getInstance(p);
        }
        allocatedAtStart = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    @Benchmark
    public int sendAlert() throws Exception {
        alerts++;
        if (engine != null) {
            Outcome o = engine.send(fixture.next(Clock.SYSTEM.epochMillis())).outcome();
            if (o != Outcome.DELIVERED) {
                throw new IllegalStateException("alert not delivered: " + engine.result());
            }
            return o.ordinal();
        }
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alert@example.org"));
        m.setRecipients(Message.RecipientType.TO, "ops@example.org, oncall@example.net");
        m.setSubject("[alert] front-door: OPEN", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Sensor: front-door\nState: OPEN\nReadings of the last minute are attached.\n", "UTF-8");
        MimeBodyPart csv = new MimeBodyPart();
        csv.setContent("time,sensor,state\r\n2026-11-22T20:49:41Z,front-door,OPEN\r\n", "text/csv");
        csv.setFileName("readings.csv");
        m.setContent(new MimeMultipart(text, csv));
        jakarta.mail.Transport.send(m, "alert-user", "pw");
        return 1;
    }

    @TearDown(Level.Iteration)
    public void forgetMessages() {
        server.messages().clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long bytes = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - allocatedAtStart;
        if (alerts > 0) {
            System.out.printf("%n[TlsAlertBenchmark] %s: %d B allocated per alert on the sending thread over %d "
                    + "alerts (STARTTLS, one connection each)%n", client, bytes / alerts, alerts);
        }
        if (stack != null) {
            stack.close();
        }
        server.close();
    }
}
