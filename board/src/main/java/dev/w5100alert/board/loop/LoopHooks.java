package dev.w5100alert.board.loop;

import dev.w5100alert.board.alert.Alert;
import dev.w5100alert.board.mail.Delivery;

/**
 * What the firmware loop tells the rest of the board (the status model), and the extra work it steps in every
 * cycle (the status page's responder, the heartbeat). Called on the loop's thread; every method must return
 * promptly and must not throw (a throw is caught by the loop's last-resort handler like any other fault).
 */
public interface LoopHooks {

    /** A sensor's debounced state changed ({@code epochMillis} of the edge). */
    default void sensorChanged(int sensor, boolean active, long epochMillis) { }

    /** An alert was accepted into the outbox. */
    default void alertAccepted(Alert alert, long epochMillis) { }

    /** One delivery attempt ended (delivered, or why not). */
    default void attemptEnded(Alert alert, Delivery delivery, long epochMillis) { }

    /** The chip was reset by the loop's supervision ({@code ok}: it answers again). */
    default void chipReset(boolean ok) { }

    /** Extra work for this cycle; {@code chipUp} says whether the network chip may be used now. */
    default int doWork(long now, boolean chipUp) {
        return 0;
    }

    LoopHooks NONE = new LoopHooks() { };
}
