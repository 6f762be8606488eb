package dev.w5100alert.firmware.bench;

import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.hal.Clock;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Manual probe (not a test): alerts per second to a real SMTP server on 127.0.0.1:PORT, one connection
 * per alert, the firmware's engine through the simulated chip (W5100_SIM) against Angus Mail over the
 * host's sockets, interleaved in the same run. Args: port [alerts per round, default 300] [rounds, default 3].
 * The same alert: two recipients, a text body and a 20-line CSV attachment.
 */
public final class SmtpRateProbe {

    private SmtpRateProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        AlertFixture fixture = new AlertFixture();
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.localhost", "[192.168.1.50]");
        Session session = Session.getInstance(p);
        try (Transport.Stack stack = Transport.W5100_SIM.open(port, Clock.SYSTEM)) {
            // The simulator's virtual host 192.168.1.10:25 leads to 127.0.0.1:port.
            SmtpConfig config = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort())
                    .heloName("[192.168.1.50]").keepSessionOpen(false).build();
            SmtpEngine engine = new SmtpEngine(stack.link(), Clock.SYSTEM, config, null, 42);
            warmUp(engine, session, fixture, Math.max(50, n / 5));
            for (int r = 1; r <= rounds; r++) {
                double e = engineRate(engine, fixture, n);
                double a = angusRate(session, fixture, n);
                System.out.printf("round %d: engine through the simulated chip %.0f alerts/s, Angus Mail %.0f alerts/s,"
                        + " ratio %.2f%n", r, e, a, e / a);
            }
        }
    }

    private static void warmUp(SmtpEngine engine, Session session, AlertFixture fixture, int n) throws Exception {
        engineRate(engine, fixture, n);
        angusRate(session, fixture, n);
    }

    private static double engineRate(SmtpEngine engine, AlertFixture fixture, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            SendResult r = engine.send(fixture.next(Clock.SYSTEM.epochMillis()));
            if (r.outcome() != Outcome.DELIVERED) {
                throw new IllegalStateException("engine: " + r);
            }
        }
        return n * 1e9 / (System.nanoTime() - t0);
    }

    private static double angusRate(Session session, AlertFixture fixture, int n) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            MailMessage m = fixture.next(Clock.SYSTEM.epochMillis());
            MimeMessage mime = new MimeMessage(session);
            mime.setFrom(new InternetAddress(m.from().toString()));
            for (int k = 0; k < m.recipientCount(); k++) {
                mime.addRecipient(Message.RecipientType.TO, new InternetAddress(m.recipient(k).toString()));
            }
            mime.setSubject(m.subject().toString(), "UTF-8");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(m.body().toString(), "UTF-8");
            MimeBodyPart csv = new MimeBodyPart();
            csv.setDataHandler(new DataHandler(new ByteArrayDataSource(
                    m.attachment(0).toString().getBytes(StandardCharsets.UTF_8), "text/csv")));
            csv.setFileName(m.attachmentName(0).toString());
            mime.setContent(new MimeMultipart(text, csv));
            jakarta.mail.Transport.send(mime); // connects, sends, QUITs: one connection per alert
        }
        return n * 1e9 / (System.nanoTime() - t0);
    }
}
