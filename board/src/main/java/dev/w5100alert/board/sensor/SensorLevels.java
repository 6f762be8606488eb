package dev.w5100alert.board.sensor;

/** Reads a sensor's current (active/inactive) level directly, used to resynchronise after dropped edges. */
@FunctionalInterface
public interface SensorLevels {
    boolean active(int sensor);
}
