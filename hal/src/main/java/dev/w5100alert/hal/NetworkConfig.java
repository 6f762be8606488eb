package dev.w5100alert.hal;

/**
 * The W5100's network identity and tuning, written once at bring-up. Immutable.
 *
 * @param mac            48-bit MAC address in the low bits (first octet in bits 47:40)
 * @param ip             own IPv4 address (see {@link Ipv4})
 * @param subnet         subnet mask
 * @param gateway        default gateway
 * @param retryTime100us RTR: initial retransmission / ARP retry time in units of 100 us (1..65535)
 * @param retryCount     RCR: retransmissions before TIMEOUT (0..255)
 * @param memory         TX/RX buffer split across the four sockets
 * @param pingBlock      MR.PB: do not answer ICMP echo requests
 */
public record NetworkConfig(long mac, int ip, int subnet, int gateway,
                            int retryTime100us, int retryCount, MemorySplit memory, boolean pingBlock) {

    /** Chip defaults: RTR 200 ms, RCR 8. */
    public static final int DEFAULT_RETRY_TIME_100US = 2000;
    public static final int DEFAULT_RETRY_COUNT = 8;

    public NetworkConfig {
        if ((mac & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("MAC must fit in 48 bits");
        }
        if ((mac & 0x0100_0000_0000L) != 0) {
            throw new IllegalArgumentException("MAC must be unicast (first octet even)");
        }
        if (ip == 0) {
            // datasheet errata: ARP with source IP 0.0.0.0 misbehaves
            throw new IllegalArgumentException("own IP must not be 0.0.0.0");
        }
        if (ip == -1) {
            // also what a dead MISO line reads: W5100Driver.configurationIntact relies on it differing
            throw new IllegalArgumentException("own IP must not be the broadcast address 255.255.255.255");
        }
        if (retryTime100us < 1 || retryTime100us > 0xFFFF) {
            throw new IllegalArgumentException("retry time must be 1..65535 (x100 us): " + retryTime100us);
        }
        if (retryCount < 0 || retryCount > 0xFF) {
            throw new IllegalArgumentException("retry count must be 0..255: " + retryCount);
        }
        if (memory == null) {
            throw new IllegalArgumentException("memory split is required");
        }
    }

    /** Chip-default timing and an even 2 KB memory split; ping answered. */
    public static NetworkConfig of(long mac, int ip, int subnet, int gateway) {
        return new NetworkConfig(mac, ip, subnet, gateway, DEFAULT_RETRY_TIME_100US, DEFAULT_RETRY_COUNT,
                MemorySplit.EVEN, false);
    }

    public NetworkConfig withMemory(MemorySplit split) {
        return new NetworkConfig(mac, ip, subnet, gateway, retryTime100us, retryCount, split, pingBlock);
    }

    public NetworkConfig withRetry(int time100us, int count) {
        return new NetworkConfig(mac, ip, subnet, gateway, time100us, count, memory, pingBlock);
    }

    public NetworkConfig withPingBlock(boolean block) {
        return new NetworkConfig(mac, ip, subnet, gateway, retryTime100us, retryCount, memory, block);
    }

    /**
     * True if {@code address} is in our subnet, so the chip ARPs for it directly; otherwise it ARPs for
     * the gateway. Tells which one an {@link ConnectOutcome#UNREACHABLE} was about.
     */
    public boolean isOnLink(int address) {
        return (address & subnet) == (ip & subnet);
    }

    /**
     * Longest the chip itself may take to give up on a TCP segment: RCR+1 tries, each waiting RTR
     * doubled while the doubled value still fits in 16 bits, then held there. The W5100 datasheet gives
     * only the default example (0.2+0.4+0.8+1.6+3.2+6.4x4 = 31.8 s); the hold rule is the one the W5200
     * and W5500 datasheets state with the same example. Used to bound waits for SEND_OK.
     */
    public long tcpGiveUpNanos() {
        long total = 0;
        long interval = retryTime100us;
        for (int i = 0; i <= retryCount; i++) {
            total += interval;
            if (interval * 2 <= 0xFFFF) {
                interval *= 2;
            }
        }
        return total * 100_000L;
    }

    /** ARP gives up after RTR x (RCR + 1). */
    public long arpGiveUpNanos() {
        return retryTime100us * 100_000L * (retryCount + 1);
    }
}
