package dev.w5100alert.board.mail;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.firmware.mail.ByteText;
import dev.w5100alert.firmware.mail.MailMessage;
import dev.w5100alert.firmware.mail.MessageLimits;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@link MailTransport} over the firmware's {@link SmtpEngine}: fills one reusable {@link MailMessage}
 * from the stored alert, starts the engine and steps it from the loop.
 *
 * <p>{@link #abort()} (chip reset, shutdown) uses {@link SmtpEngine#abort()}: the link is closed, which frees
 * the W5100 socket, and the same engine (with its buffers) takes the next send. Closing the link may wait
 * for the FIN handshake for at most the link's close timeout; after a chip reset the socket is already
 * dead and closing it costs nothing. Only if the engine itself throws (a bug, not a network condition: the
 * link turns chip and bus faults into failures) is it dropped and a fresh one built from the factory.
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

    @Override
    public long deadline(long nowNanos) {
        return engine != null && engine.busy() ? engine.deadline() : nowNanos;
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
        SmtpEngine e;
        try {
            e = engine();
        } catch (IllegalArgumentException ex) {
            // Not this alert's fault (the settings behind the engine): never a reason to drop the alert.
            throw new IllegalStateException("SMTP engine cannot be built: " + ex.getMessage(), ex);
        }
        fill(message, alert, sender);
        e.start(message, nowNanos);
    }

    /**
     * Copies a stored alert into {@code message}; throws {@link IllegalArgumentException} when it does not fit
     * the {@link #LIMITS} (the loop treats that as a permanent, local failure of this one alert). {@link #start}
     * throws {@link IllegalArgumentException} only for faults of the alert itself.
     */
    static void fill(MailMessage message, Alert alert, String sender) {
        message.clear().from(sender);
        message.messageId(alert.messageId()).dateMillis(alert.dateMillis()); // the same on every attempt
        for (String r : alert.recipients()) {
            message.addRecipient(r);
        }
        set(message.subject(), alert.subject(), "subject", LIMITS.maxSubjectBytes());
        set(message.body(), alert.body(), "body", LIMITS.maxBodyBytes());
        if (alert.hasAttachment()) {
            set(message.attach(alert.csvName(), "text/csv"), alert.csv(), "CSV attachment", LIMITS.maxAttachmentBytes());
        }
    }

    private static void set(ByteText field, String text, String what, int max) {
        try {
            field.set(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " is " + text.getBytes(StandardCharsets.UTF_8).length
                    + " bytes; at most " + max);
        }
    }

    @Override
    public Delivery poll(long nowNanos) {
        try {
            engine.doWork(nowNanos);
        } catch (RuntimeException e) {
            abort();
            return Delivery.transientFailure(0, "network chip error: " + e.getMessage());
        }
        if (engine.busy()) {
            return null;
        }
        return classify(engine.result());
    }

    static Delivery classify(SendResult r) {
        String detail = r.toString();
        String advice = TlsMessages.explain(r);
        if (advice != null) {
            return new Delivery(Delivery.Kind.TLS_FAILED, r.replyCode(), advice, 0);
        }
        return switch (r.outcome()) {
            case DELIVERED -> new Delivery(Delivery.Kind.DELIVERED, r.replyCode(), detail, r.refusedCount());
            case PERMANENT_FAILURE -> new Delivery(Delivery.Kind.PERMANENT, r.replyCode(), detail, 0);
            case AUTH_FAILURE -> new Delivery(Delivery.Kind.AUTH_FAILED, r.replyCode(), detail, 0);
            case TRANSIENT_FAILURE, PENDING -> new Delivery(Delivery.Kind.TRANSIENT, r.replyCode(), detail, 0);
        };
    }

    @Override
    public void abort() {
        if (engine == null) {
            return;
        }
        try {
            engine.abort();
        } catch (RuntimeException e) {
            engine = null; // its state is unknown now: the next start builds a fresh one
        }
    }
}
