package dev.w5100alert.hal;

/**
 * The bus seam under the W5100 driver: full-duplex transfer of a batch of 4-byte SPI frames.
 *
 * <p>The W5100 moves one data byte per 4-byte frame ({@code 0xF0 hi lo data} to write,
 * {@code 0x0F hi lo 0x00} to read) and needs chip-select released after <em>every</em> frame;
 * holding it low across frames breaks the chip. An implementation therefore shifts each frame
 * with chip-select asserted and releases chip-select between frames. One call may carry many
 * frames so that a binding can hand the whole batch to the kernel in one go (spidev's
 * {@code SPI_IOC_MESSAGE(n)} with {@code cs_change} between transfers).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code mosi[offset .. offset + 4*frames)} is shifted out; the bytes shifted in at the same
 *       time are stored at the same positions of {@code miso}.</li>
 *   <li>{@code mosi} and {@code miso} are caller-owned and may be the same array; the bus keeps no
 *       reference to them after the call returns.</li>
 *   <li>The call blocks until every frame has been shifted; it never retries or reorders frames.</li>
 *   <li>Implementations used after bring-up must not allocate per call (the Pi4J binding documents
 *       where it cannot keep that promise).</li>
 * </ul>
 */
public interface SpiBus {

    /** Bytes in one W5100 SPI frame. */
    int FRAME_BYTES = 4;

    /**
     * Shifts {@code frames} 4-byte frames out of {@code mosi} and stores what came back in {@code miso}.
     *
     * @param mosi   bytes to send, frame after frame
     * @param miso   receives the bytes clocked in; same length requirement as {@code mosi}
     * @param offset index of the first byte of the first frame in both arrays
     * @param frames number of frames, {@code >= 0}
     * @throws IllegalArgumentException if the arrays are too short for {@code offset + 4*frames}
     * @throws SpiException             if the underlying bus fails
     */
    void transfer(byte[] mosi, byte[] miso, int offset, int frames);
}
