package dev.w5100alert.firmware.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.w5100alert.firmware.dhcp.DhcpClient;
import dev.w5100alert.firmware.lan.LanAgent;
import dev.w5100alert.firmware.mail.Alert;
import dev.w5100alert.firmware.mail.AlertFormatter;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.net.RandomSource;
import dev.w5100alert.firmware.net.W5100TcpLink;
import dev.w5100alert.firmware.net.W5100UdpLink;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.time.NetworkClock;
import dev.w5100alert.hal.Clock;
import dev.w5100alert.hal.Ipv4;
import dev.w5100alert.hal.NetworkConfig;
import dev.w5100alert.hal.ResetLine;
import dev.w5100alert.hal.W5100Driver;
import dev.w5100alert.sim.VirtualNetwork;
import dev.w5100alert.sim.W5100Simulator;
import jakarta.mail.internet.MimeMessage;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The board's first minutes on a home LAN, through the simulated chip: power-on with a wall clock
 * 400 days behind, DHCP lease, the mail server found by name (a CNAME to its A record), network time
 * from the lease's NTP server, then the alert lands in GreenMail with a correct Date header.
 */
class LanEndToEndTest {

    static final long S = 1_000_000_000L;
    static final long MAC = 0x02_00_5E_00_00_50L;
    static final long BEHIND = 400L * 86_400_000L;

    /** Virtual time that moves in idle() (and when the loop jumps to a deadline), paced to real time a little. */
    static final class LanClock implements Clock {
        volatile long now = S;
        final long trueBase = 1_795_380_581_000L;

        long trueMillis() {
            return trueBase + now / 1_000_000L;
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
            LockSupport.parkNanos(20_000L); // lets GreenMail, in real time, answer before virtual deadlines pass
        }
    }

    private GreenMail greenMail;
    private W5100Simulator sim;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.withConfiguration(GreenMailConfiguration.aConfig().withUser("alert@example.org", "u", "p"));
        greenMail.start();
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
        greenMail.stop();
    }

    @Test
    void leasesResolvesSetsTheClockThenMailsWithTheRightDate() throws Exception {
        LanClock clock = new LanClock();
        VirtualNetwork net = VirtualNetwork.builder()
                .dhcpServer("192.168.1.1", d -> d.pool("192.168.1.100", "192.168.1.120")
                        .dnsServers("192.168.1.53").ntpServers("192.168.1.123"))
                .dnsServer("192.168.1.53", d -> d.a("relay.example.com", "192.168.1.10")
                        .cname("smtp.example.com", "relay.example.com"))
                .ntpServer("192.168.1.123", t -> t.wallClock(clock::trueMillis))
                .host("192.168.1.10").tcp(25, greenMail.getSmtp().getPort())
                .build();
        sim = new W5100Simulator(net, clock::nanoTime);
        long realStart = System.nanoTime();
        long virtualStart = clock.now;
        W5100Driver driver = new W5100Driver(sim, ResetLine.NOT_WIRED, clock);
        driver.bringUp(NetworkConfig.of(MAC, Ipv4.of(169, 254, 0, 80), Ipv4.of(255, 255, 0, 0), 0));
        NetworkClock wall = new NetworkClock(clock);
        RandomSource random = RandomSource.secure();
        DhcpClient dhcp = new DhcpClient(new W5100UdpLink(driver), driver::setAddress, random, MAC, "alert-box");
        LanAgent lan = new LanAgent(dhcp, new W5100UdpLink(driver), wall, random, new int[0], new CharSequence[0], true,
                3600 * S, "smtp.example.com");

        long since = clock.now;
        for (int guard = 0; guard < 200_000 && !lan.mailMayGo(clock.now, since, 300 * S); guard++) {
            long at = lan.doWork(clock.now);
            if (lan.mailMayGo(clock.now, since, 300 * S)) {
                break;
            }
            long next = lan.waitingForReply() ? clock.now + 1_000_000L : at;
            clock.now = Math.max(clock.now + 1, Math.min(next, clock.now + 1_000 * S));
        }
        assertTrue(lan.mailMayGo(clock.now, since, 300 * S), () -> "not ready: " + dhcp.state() + " "
                + lan.dns().status() + " " + lan.sntp().lastResult());
        assertTrue(wall.known(), "mail waited for network time");
        assertEquals(Ipv4.of(192, 168, 1, 10), lan.mailServer());

        RecordingTranscript transcript = new RecordingTranscript();
        SmtpConfig cfg = SmtpConfig.builder().server(lan.mailServer(), 25).heloName("[" + Ipv4.format(dhcp.address()) + "]")
                .build();
        SmtpEngine engine = new SmtpEngine(new W5100TcpLink(driver, 30 * S, S), wall, cfg, transcript, 7);
        Alert alert = new Alert(256).sensor("front-door").state("OPEN").eventTime(wall.epochMillis()).count(1);
        MailMessage m = new MailMessage(MessageLimits.DEFAULT);
        m.from("alert@example.org").addRecipient("ops@example.org");
        new AlertFormatter(0).render(alert, m);
        SendResult r = engine.send(m);
        long frames = driver.framesSent();
        long virtualNanos = clock.now - virtualStart;
        long realNanos = System.nanoTime() - realStart;

        assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + transcript);
        assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
        MimeMessage got = greenMail.getReceivedMessages()[0];
        long dateError = got.getSentDate().getTime() - clock.trueMillis();
        assertTrue(Math.abs(dateError) < 5_000, "Date header off by " + dateError + " ms (board clock was 400 days behind)");
        System.out.printf("power-on to first mail accepted (DHCP + DNS + NTP + SMTP, no TLS) over w5100-sim: "
                + "%d SPI frames, %.2f s virtual, %.2f s real (shared machine)%n", frames, virtualNanos / 1e9, realNanos / 1e9);
    }
}
