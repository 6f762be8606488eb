package dev.w5100alert.hal;

import java.util.ArrayList;
import java.util.List;

/**
 * A recording SpiBus for register-traffic tests: a flat 64 KB register/memory image plus scripted
 * read sequences per address. It logs every frame as {@code "W 0401 04"} or {@code "R 0403=17"} and
 * answers the W5100's MISO header bytes 00 01 02 (03 on a write). It is not a W5100 model: tests
 * script the chip's side explicitly. Without recording and scripts it allocates nothing per frame.
 */
final class FakeChip implements SpiBus {
    final byte[] mem = new byte[0x10000];
    final List<String> log = new ArrayList<>();
    boolean recording = true;
    boolean crSticks;
    int transfers;
    long frames;
    private final int[][] scripts = new int[0x10000][];
    private final int[] scriptPos = new int[0x10000];
    /** Writes ignored for these addresses (e.g. Sn_IR kept constant in allocation tests). */
    private final boolean[] readOnly = new boolean[0x10000];

    FakeChip() {
    }

    /** A chip right after reset: the W5100's documented reset values. */
    static FakeChip afterReset() {
        FakeChip c = new FakeChip();
        c.set16(0x0017, 0x07D0);
        c.mem[0x0019] = 0x08;
        c.mem[0x001A] = 0x55;
        c.mem[0x001B] = 0x55;
        return c;
    }

    void set16(int addr, int v) {
        mem[addr] = (byte) (v >>> 8);
        mem[addr + 1] = (byte) v;
    }

    /** The next reads of {@code addr} return these values in order, then the memory value. */
    void script(int addr, int... values) {
        scripts[addr] = values;
        scriptPos[addr] = 0;
    }

    /** Scripts a 16-bit register: each value is returned as the (hi, lo) pair of one read. */
    void script16(int addr, int... values) {
        int[] hi = new int[values.length];
        int[] lo = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            hi[i] = values[i] >>> 8;
            lo[i] = values[i] & 0xFF;
        }
        script(addr, hi);
        script(addr + 1, lo);
    }

    void readOnly(int addr) {
        readOnly[addr] = true;
    }

    List<String> takeLog() {
        List<String> copy = new ArrayList<>(log);
        log.clear();
        return copy;
    }

    @Override
    public void transfer(byte[] mosi, byte[] miso, int offset, int count) {
        if (offset + count * FRAME_BYTES > mosi.length || offset + count * FRAME_BYTES > miso.length) {
            throw new IllegalArgumentException("arrays too short");
        }
        transfers++;
        for (int f = 0; f < count; f++) {
            int i = offset + f * FRAME_BYTES;
            int op = mosi[i] & 0xFF;
            int addr = (mosi[i + 1] & 0xFF) << 8 | (mosi[i + 2] & 0xFF);
            int data = mosi[i + 3] & 0xFF;
            miso[i] = 0;
            miso[i + 1] = 1;
            miso[i + 2] = 2;
            frames++;
            if (op == 0xF0) {
                miso[i + 3] = 3;
                store(addr, data);
                if (recording) {
                    log.add(String.format("W %04X %02X", addr, data));
                }
            } else if (op == 0x0F) {
                int v = load(addr);
                miso[i + 3] = (byte) v;
                if (recording) {
                    log.add(String.format("R %04X=%02X", addr, v));
                }
            } else {
                throw new AssertionError("bad SPI opcode " + op);
            }
        }
    }

    private void store(int addr, int data) {
        if (readOnly[addr]) {
            return;
        }
        boolean command = addr >= 0x0400 && addr < 0x0800 && (addr & 0xFF) == 0x01;
        boolean interrupt = addr >= 0x0400 && addr < 0x0800 && (addr & 0xFF) == 0x02;
        if (interrupt) {
            mem[addr] = (byte) (mem[addr] & ~data); // Sn_IR: write 1 to clear
        } else if (addr == 0x0000) {
            mem[addr] = (byte) (data & 0x7F); // MR.RST clears itself
        } else if (command) {
            mem[addr] = (byte) (crSticks ? data : 0); // Sn_CR reads 0 once taken
        } else {
            mem[addr] = (byte) data;
        }
    }

    private int load(int addr) {
        int[] s = scripts[addr];
        if (s != null && scriptPos[addr] < s.length) {
            return s[scriptPos[addr]++];
        }
        return mem[addr] & 0xFF;
    }
}
