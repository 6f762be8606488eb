package dev.w5100alert.sim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.hal.ChipDetectionException;
import dev.w5100alert.hal.ChipDetectionException.Diagnosis;
import dev.w5100alert.hal.MemorySplit;
import dev.w5100alert.hal.SpiBus;
import dev.w5100alert.sim.VirtualNetwork;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Bring-up against the simulator: a healthy chip comes up; each broken one is named, within the
 * bring-up bound, never a hang. Dead-MISO and lost-reset faults come from the simulator; a garbled
 * MOSI line and a lost MR write are modelled by a wire between driver and simulator.
 */
class DetectionConformanceTest {

    static final long BRING_UP_BOUND = 300_000_000L; // 10 ms settle + 250 ms reset poll + slack

    private static Diagnosis diagnose(Rig rig) {
        long start = rig.clock.nanoTime();
        ChipDetectionException e = assertThrows(ChipDetectionException.class,
                () -> rig.driver.bringUp(Rig.config(MemorySplit.EVEN)));
        assertTrue(rig.clock.nanoTime() - start <= BRING_UP_BOUND, "bounded");
        assertTrue(e.getMessage().startsWith("W5100 not detected: " + e.diagnosis().advice()), e.getMessage());
        return e.diagnosis();
    }

    @Test
    void healthyChipComesUpThroughItsResetLine() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY)) {
            rig.driver.bringUp(Rig.config(MemorySplit.kilobytes(4, 2, 1, 1)));
            assertEquals(4096, rig.sim.bufferSize(0, true));
            assertEquals(0, rig.sim.counters().unhandled(), rig.sim.unhandledLog().toString());
        }
    }

    @Test
    void misoPulledHighIsDiagnosedAsNotConnected() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY)) {
            rig.sim.faults().misoStuckAt(0xFF);
            assertEquals(Diagnosis.MISO_NOT_CONNECTED, diagnose(rig));
        }
    }

    @Test
    void misoStuckLowIsDiagnosedAsAllZero() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY)) {
            rig.sim.faults().misoStuckAt(0x00);
            assertEquals(Diagnosis.ALL_ZERO, diagnose(rig));
        }
    }

    @Test
    void lostResetIsDiagnosedAsStuckReset() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY)) {
            rig.sim.faults().lostReset(true);
            assertEquals(Diagnosis.RESET_STUCK, diagnose(rig));
        }
    }

    /** MOSI data bits arrive one place late (wrong SPI mode or too fast a clock). */
    static final UnaryOperator<SpiBus> LATE_MOSI_BIT = sim -> (mosi, miso, offset, frames) -> {
        byte[] garbled = mosi.clone();
        for (int f = 0; f < frames; f++) {
            int i = offset + f * SpiBus.FRAME_BYTES;
            if ((garbled[i] & 0xFF) == 0xF0 && (garbled[i + 1] | garbled[i + 2]) != 0) {
                garbled[i + 3] = (byte) ((garbled[i + 3] & 0xFF) >>> 1);
            }
        }
        sim.transfer(garbled, miso, offset, frames);
    };

    @Test
    void garbledWritesAreDiagnosedAsReadBackMismatch() {
        try (Rig rig = new Rig(VirtualNetwork.EMPTY, LATE_MOSI_BIT)) {
            assertEquals(Diagnosis.READBACK_MISMATCH, diagnose(rig));
        }
    }

    @Test
    void resetThatNeverHappenedIsDiagnosedByItsValues() {
        boolean[] dropMrWrites = {false};
        UnaryOperator<SpiBus> wire = sim -> (mosi, miso, offset, frames) -> {
            for (int f = 0; f < frames; f++) {
                int i = offset + f * SpiBus.FRAME_BYTES;
                boolean mrWrite = (mosi[i] & 0xFF) == 0xF0 && mosi[i + 1] == 0 && mosi[i + 2] == 0;
                if (!(dropMrWrites[0] && mrWrite)) {
                    sim.transfer(mosi, miso, i, 1);
                }
            }
        };
        try (Rig rig = new Rig(VirtualNetwork.EMPTY, wire)) {
            // a first bring-up leaves non-reset values behind; the reset line is not wired here
            rig.driver.bringUp(Rig.config(MemorySplit.kilobytes(8, 1, 1, 1)).withRetry(1000, 3));
            dropMrWrites[0] = true;
            dev.w5100alert.hal.W5100Driver noResetLine = new dev.w5100alert.hal.W5100Driver(
                    wire.apply(rig.sim), dev.w5100alert.hal.ResetLine.NOT_WIRED, rig.clock);
            ChipDetectionException e = assertThrows(ChipDetectionException.class,
                    () -> noResetLine.bringUp(Rig.config(MemorySplit.EVEN)));
            assertEquals(Diagnosis.WRONG_RESET_VALUES, e.diagnosis());
            assertTrue(e.getMessage().contains("RTR=0x3E8"), e.getMessage());
        }
    }
}
