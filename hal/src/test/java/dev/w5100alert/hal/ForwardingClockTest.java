package dev.w5100alert.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ForwardingClockTest {

    /** Records every call, so the test sees what reached the base clock. */
    static final class RecordingClock implements Clock {
        final StringBuilder calls = new StringBuilder();
        InterruptLine line;

        @Override
        public long nanoTime() {
            calls.append("nanoTime ");
            return 42L;
        }

        @Override
        public long epochMillis() {
            calls.append("epochMillis ");
            return 1_000L;
        }

        @Override
        public void idle() {
            calls.append("idle ");
        }

        @Override
        public void idleUntil(long deadlineNanos) {
            calls.append("idleUntil(").append(deadlineNanos).append(") ");
        }

        @Override
        public void progress() {
            calls.append("progress ");
        }

        @Override
        public void wake() {
            calls.append("wake ");
        }

        @Override
        public void waitOn(InterruptLine l) {
            calls.append("waitOn ");
            line = l;
        }
    }

    @Test
    void passesTimeAndEveryWaitToItsBaseAndChangesOnlyWhatItOverrides() {
        RecordingClock base = new RecordingClock();
        Clock shifted = new ForwardingClock(base) {
            @Override
            public long epochMillis() {
                return base.epochMillis() + 5;
            }
        };
        InterruptLine line = InterruptLine.NOT_WIRED;
        assertEquals(42L, shifted.nanoTime());
        assertEquals(1_005L, shifted.epochMillis());
        shifted.idle();
        shifted.idleUntil(77L);
        shifted.progress();
        shifted.wake();
        shifted.waitOn(line);
        assertEquals("nanoTime epochMillis idle idleUntil(77) progress wake waitOn ", base.calls.toString());
        assertSame(line, base.line);
    }

    @Test
    void refusesToForwardToNothing() {
        assertThrows(IllegalArgumentException.class, () -> new ForwardingClock(null) { });
    }
}
