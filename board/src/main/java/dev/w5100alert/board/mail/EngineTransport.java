package dev.w5100alert.board.mail;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import java.util.function.Supplier;

/**
 * {@link MailTransport} over the firmware's {@link SmtpEngine}: fills one reusable {@link MailMessage}
 * from the stored alert, starts the engine and steps it from the loop.
 *
 * <p>The engine has no abort, so {@link #abort()} (chip reset, shutdown) drops the engine and its link
 * and builds fresh ones from the factory on the next start; that costs the engine's buffers once per
 * abort, which is rare. A driver error thrown while stepping (chip stopped answering) ends the send as
 * a transient failure and also rebuilds.
 */
public final class EngineTransport implements MailTransport {

    /** Board message sizes: up to 32 recipients, 16 KiB body, 64 KiB CSV attachment. */
    public static final MessageLimits LIMITS = new MessageLimits(32, 256, 16 * 1024, 64 * 1024, 128 * 1024);

    private final Supplier<SmtpEngine> factory;
    private final String sender;
    private final MailMessage message = new MailMessage(LIMITS);
    private SmtpEngine engine;

    public EngineTransport(Supplier<SmtpEngine> factory, String sender) {
        this.factory = factory;
        this.sender = sender;
    }

    /** The current engine (for diagnostics: capabilities of the last EHLO). */
    public SmtpEngine engine() {
        if (engine == null) {
            engine = factory.get();
        }
        return engine;
    }

    @Override
    public void start(Alert alert, long nowNanos) {
        message.clear().from(sender);
        for (String r : alert.recipients()) {
            message.addRecipient(r);
        }
        message.subject().set(alert.subject());
        message.body().set(alert.body());
        if (alert.hasAttachment()) {
            message.attach(alert.csvName(), "text/csv").set(alert.csv());
        }
        engine().start(message, nowNanos);
    }

    @Override
    public Delivery poll(long nowNanos) {
        try {
            engine.doWork(nowNanos);
        } catch (RuntimeException e) {
            engine = null; // chip or link broke under the engine: start over with a fresh one
            return Delivery.transientFailure(0, "network chip error: " + e.getMessage());
        }
        if (engine.busy()) {
            return null;
        }
        return classify(engine.result());
    }

    static Delivery classify(SendResult r) {
        String detail = r.toString();
        return switch (r.outcome()) {
            case DELIVERED -> new Delivery(Delivery.Kind.DELIVERED, r.replyCode(), detail, r.refusedCount());
            case PERMANENT_FAILURE -> new Delivery(Delivery.Kind.PERMANENT, r.replyCode(), detail, 0);
            case AUTH_FAILURE -> new Delivery(Delivery.Kind.AUTH_FAILED, r.replyCode(), detail, 0);
            case TRANSIENT_FAILURE, PENDING -> new Delivery(Delivery.Kind.TRANSIENT, r.replyCode(), detail, 0);
        };
    }

    @Override
    public void abort() {
        engine = null;
    }
}
