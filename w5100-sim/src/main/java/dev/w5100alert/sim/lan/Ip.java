package dev.w5100alert.sim.lan;

import dev.w5100alert.sim.VirtualNetwork;

/** IPv4 as a big-endian int and big-endian fields in byte arrays, for the LAN services. */
final class Ip {
    static final int BROADCAST = 0xFFFFFFFF;

    private Ip() {
    }

    static int parse(String dotted) {
        return VirtualNetwork.parseIpv4(dotted);
    }

    static String format(int a) {
        return VirtualNetwork.formatIpv4(a);
    }

    static int get32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    static int get16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static void put32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static long checkDelay(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("reply delay must be >= 0 ms, got " + millis);
        }
        return millis * 1_000_000L;
    }
}
