package dev.w5100alert.firmware.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.lan.LanAgent;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.W5100TcpLink;
import dev.w5100alert.firmware.net.W5100UdpLink;
import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.testing.StartTlsSmtpServer;
import dev.w5100alert.firmware.testing.TestPki;
import dev.w5100alert.firmware.time.NetworkClock;
import dev.w5100alert.firmware.tls.TlsMode;
import dev.w5100alert.firmware.tls.TlsPolicy;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end story at the firmware level, through the simulated chip: a board whose clock is
 * 400 days behind (a Pi Zero after a power cut) leases an address by DHCP, finds its submission server
 * by name, and sends over STARTTLS with real certificate checks. Before network time the TLS layer
 * refuses to judge certificates at a date before the firmware was built (CLOCK_NOT_SET, no credential
 * sent); once SNTP has set the wall clock the same engine delivers, with a Date header at the true time.
 */
class LanStartTlsEndToEndTest {

    static final long S = 1_000_000_000L;
    static final long MAC = 0x02_00_5E_00_00_70L;
    static final String HOST = "mail.example.test";
    static final long BEHIND = 400L * 86_400_000L;
    static final long NOW = System.currentTimeMillis();
    static final TestPki PKI = new TestPki("LAN", NOW);
    static final TestPki.ServerCert CERT = PKI.server(HOST, NOW - TestPki.DAY, NOW + 30 * TestPki.DAY, HOST);

    /** Virtual time moving in idle() and in the loop's jumps, paced a little so real servers keep up. */
    static final class LanClock implements Clock {
        volatile long now = S;

        long trueMillis() {
            return NOW + now / 1_000_000L;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochMillis() {
            return trueMillis() - BEHIND;
        }

        @Override
        public void idle() {
            now += 100_000L;
            LockSupport.parkNanos(20_000L);
        }
    }

    @Test
    void aClock400DaysBehindIsSetFromTheLanBeforeTheCertificateIsChecked() throws Exception {
        story(true);
    }

    /** The figure the issue asks for: power-on to the first mail accepted, DHCP + DNS + NTP + STARTTLS. */
    @Test
    void powerOnToTheFirstMailOverStartTls() throws Exception {
        story(false);
    }

    private void story(boolean firstTryBeforeTime) throws Exception {
        long realStart = System.nanoTime();
        LanClock clock = new LanClock();
        try (StartTlsSmtpServer smtp = new StartTlsSmtpServer(CERT.serverContext(), "alert-user", "lan-Secret-9")) {
            VirtualNetwork net = VirtualNetwork.builder()
                    .dhcpServer("192.168.1.1", d -> d.pool("192.168.1.100", "192.168.1.120")
                            .dnsServers("192.168.1.53").ntpServers("192.168.1.123"))
                    .dnsServer("192.168.1.53", d -> d.a(HOST, "192.168.1.10"))
                    .ntpServer("192.168.1.123", t -> t.wallClock(clock::trueMillis))
                    .host("192.168.1.10").tcp(587, smtp.port())
                    .build();
            try (W5100Simulator sim = new W5100Simulator(net, clock::nanoTime)) {
                W5100Driver driver = new W5100Driver(sim, ResetLine.NOT_WIRED, clock);
                driver.bringUp(NetworkConfig.of(MAC, Ipv4.of(169, 254, 0, 70), Ipv4.of(255, 255, 0, 0), 0));
                NetworkClock wall = new NetworkClock(clock);
                RandomSource random = RandomSource.secure();
                DhcpClient dhcp = new DhcpClient(new W5100UdpLink(driver), driver::setAddress, random, MAC, "alert-box");
                LanAgent lan = new LanAgent(dhcp, new W5100UdpLink(driver), wall, random, new int[0],
                        new CharSequence[0], true, 3600 * S, HOST);
                if (firstTryBeforeTime) {
                    lan.sntp().servers(new int[0], 0); // hold time back for the first attempt: no server yet
                }
                RecordingTranscript transcript = new RecordingTranscript();

                long since = clock.now;
                for (int guard = 0; guard < 100_000 && lan.mailServer() == 0; guard++) {
                    step(lan, clock, () -> lan.mailServer() != 0);
                }
                assertEquals(Ipv4.of(192, 168, 1, 10), lan.mailServer());
                SmtpConfig cfg = SmtpConfig.builder().server(lan.mailServer(), 587)
                        .heloName("[" + Ipv4.format(dhcp.address()) + "]").credentials("alert-user", "lan-Secret-9")
                        .timeouts(new SmtpTimeouts(20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000,
                                20_000, 20_000, 5_000))
                        .tls(TlsPolicy.of(TlsMode.STARTTLS, PKI.trustStore(), HOST, 0))
                        .build();

                if (firstTryBeforeTime) {
                    SendResult early = new SmtpEngine(new W5100TcpLink(driver, 30 * S, S), wall, cfg, transcript, 5)
                            .send(alert());
                    assertEquals(FailureCause.CLOCK_NOT_SET, early.cause(), () -> early + "\n" + transcript);
                    assertTrue(smtp.logins().isEmpty(), "no credential before a verified session");
                    int[] ntp = {Ipv4.of(192, 168, 1, 123)};
                    lan.sntp().servers(ntp, 1); // what the lease says (option 42)
                }
                for (int guard = 0; guard < 100_000 && !lan.mailMayGo(clock.now, since, 300 * S); guard++) {
                    step(lan, clock, () -> lan.mailMayGo(clock.now, since, 300 * S));
                }
                assertTrue(wall.known());
                SendResult r = new SmtpEngine(new W5100TcpLink(driver, 30 * S, S), wall, cfg, transcript, 6)
                        .send(alert());
                assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + transcript);
                if (!firstTryBeforeTime) {
                    System.out.printf("power-on to first mail accepted (DHCP + DNS + NTP + STARTTLS) over w5100-sim: "
                            + "%d SPI frames, %.2f s virtual, %.2f s real (shared machine)%n", driver.framesSent(),
                            (clock.now - S) / 1e9, (System.nanoTime() - realStart) / 1e9);
                }
                assertEquals(1, smtp.messages().size());
                String data = new String(smtp.messages().get(0).data(), StandardCharsets.UTF_8);
                Matcher m = Pattern.compile("(?m)^Date: (.+)\\r?$").matcher(data);
                assertTrue(m.find(), data);
                long date = ZonedDateTime.parse(m.group(1).trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli();
                long error = date - clock.trueMillis();
                assertTrue(Math.abs(error) < 10_000, "Date " + m.group(1) + " is " + error + " ms off the true time");
                assertTrue(!transcript.toString().contains("lan-Secret-9"), "password in the transcript");
            }
        }
    }

    /** One doWork; then virtual time moves on (1 ms while a reply is due, else to the deadline) unless done. */
    private static void step(LanAgent lan, LanClock clock, java.util.function.BooleanSupplier done) {
        long at = lan.doWork(clock.now);
        if (done.getAsBoolean()) {
            return;
        }
        long next = lan.waitingForReply() ? clock.now + 1_000_000L : at;
        clock.now = Math.max(clock.now + 1, Math.min(next, clock.now + 1_000 * S));
    }

    private static MailMessage alert() {
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("alert@example.org").addRecipient("ops@example.org");
        m.subject().append("[alert] door: OPEN");
        m.body().append("door opened");
        return m;
    }
}
