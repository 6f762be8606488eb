package dev.w5100alert.board.testing;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.mail.Delivery;
import dev.w5100alert.board.mail.MailTransport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A transport whose outcomes are scripted: each send takes {@code stepsPerSend} polls and then ends
 * in the next scripted delivery (DELIVERED when the script is empty). A null entry means "never
 * finishes" (a hung server).
 */
public final class ScriptedTransport implements MailTransport {
    public final List<Alert> started = new ArrayList<>();
    public final List<Alert> delivered = new ArrayList<>();
    public int aborted;
    private final Deque<Delivery> script = new ArrayDeque<>();
    private final int stepsPerSend;
    private Alert current;
    private Delivery outcome;
    private boolean hang;
    private int steps;

    public ScriptedTransport(int stepsPerSend) {
        this.stepsPerSend = stepsPerSend;
    }

    public ScriptedTransport then(Delivery d) {
        script.add(d == null ? new Delivery(null, 0, "hang", 0) : d);
        return this;
    }

    @Override
    public void start(Alert alert, long nowNanos) {
        if (current != null) {
            throw new IllegalStateException("start while a send is running");
        }
        current = alert;
        started.add(alert);
        steps = 0;
        Delivery next = script.poll();
        hang = next != null && next.kind() == null;
        outcome = next == null ? Delivery.delivered() : next;
    }

    @Override
    public Delivery poll(long nowNanos) {
        if (current == null) {
            throw new IllegalStateException("poll without a send");
        }
        if (hang || ++steps < stepsPerSend) {
            return null;
        }
        if (outcome.kind() == Delivery.Kind.DELIVERED) {
            delivered.add(current);
        }
        current = null;
        return outcome;
    }

    @Override
    public void abort() {
        aborted++;
        current = null;
    }

    public boolean busy() {
        return current != null;
    }
}
