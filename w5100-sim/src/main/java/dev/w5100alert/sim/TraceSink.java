package dev.w5100alert.sim;

/**
 * Receives the simulator's decoded trace, one line per frame or event, e.g. {@code W S0_CR=CONNECT},
 * {@code R S0_SR=ESTABLISHED}, {@code ! read of reserved 0x0030}, {@code # S0 SYNSENT -> ESTABLISHED}.
 *
 * <p>Lines starting with {@code W}/{@code R} are frames, {@code !} an access the model does not handle
 * (or a malformed frame), {@code #} a model event. Tracing allocates strings; with no sink installed
 * the simulator builds none.
 */
@FunctionalInterface
public interface TraceSink {
    void line(String line);
}
