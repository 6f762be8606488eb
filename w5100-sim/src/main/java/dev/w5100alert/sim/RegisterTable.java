package dev.w5100alert.sim;

import static dev.w5100alert.sim.Register.Access.CUSTOM;
import static dev.w5100alert.sim.Register.Access.READ_ONLY;
import static dev.w5100alert.sim.Register.Access.READ_WRITE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The W5100 register map, written from the datasheet (v1.2, section 3 "Register Descriptions"):
 * every register once, with address, width, reset value and access mode.
 *
 * <pre>
 * 0x0000-0x002F  common registers (0x0013-14, 0x001E-27 reserved)
 * 0x0030-0x03FF  reserved
 * 0x0400-0x07FF  socket n registers at 0x0400 + n*0x100 (offsets 0x17-1F and 0x2A-FF reserved)
 * 0x0800-0x3FFF  reserved
 * 0x4000-0x5FFF  TX memory    0x6000-0x7FFF  RX memory
 * </pre>
 *
 * <p>Lookup by byte address is an array index (no hashing, no allocation).
 */
public final class RegisterTable {

    /** Size of the register space covered by {@link #at(int)}. */
    public static final int REGISTER_SPACE = 0x0800;
    public static final int SOCKETS = 4;
    public static final int SOCKET_BASE = 0x0400;
    public static final int SOCKET_STRIDE = 0x0100;

    // Common registers (datasheet 3.1/4.1).
    public static final int MR = 0x0000;
    public static final int GAR = 0x0001;
    public static final int SUBR = 0x0005;
    public static final int SHAR = 0x0009;
    public static final int SIPR = 0x000F;
    public static final int IR = 0x0015;
    public static final int IMR = 0x0016;
    public static final int RTR = 0x0017;
    public static final int RCR = 0x0019;
    public static final int RMSR = 0x001A;
    public static final int TMSR = 0x001B;
    public static final int PATR = 0x001C;
    public static final int PTIMER = 0x0028;
    public static final int PMAGIC = 0x0029;
    public static final int UIPR = 0x002A;
    public static final int UPORT = 0x002E;

    // Socket register offsets (datasheet 3.2/4.2).
    public static final int Sn_MR = 0x00;
    public static final int Sn_CR = 0x01;
    public static final int Sn_IR = 0x02;
    public static final int Sn_SR = 0x03;
    public static final int Sn_PORT = 0x04;
    public static final int Sn_DHAR = 0x06;
    public static final int Sn_DIPR = 0x0C;
    public static final int Sn_DPORT = 0x10;
    public static final int Sn_MSSR = 0x12;
    public static final int Sn_PROTO = 0x14;
    public static final int Sn_TOS = 0x15;
    public static final int Sn_TTL = 0x16;
    public static final int Sn_TX_FSR = 0x20;
    public static final int Sn_TX_RD = 0x22;
    public static final int Sn_TX_WR = 0x24;
    public static final int Sn_RX_RSR = 0x26;
    public static final int Sn_RX_RD = 0x28;

    private final Register[] byAddress = new Register[REGISTER_SPACE];
    private final List<Register> all = new ArrayList<>();

    RegisterTable() {
        common("MR", MR, 1, 0x00, CUSTOM);          // RST self-clears; PB, PPPoE, AI, IND stored
        common("GAR", GAR, 4, 0, READ_WRITE);
        common("SUBR", SUBR, 4, 0, READ_WRITE);
        common("SHAR", SHAR, 6, 0, READ_WRITE);
        common("SIPR", SIPR, 4, 0, READ_WRITE);
        common("IR", IR, 1, 0x00, CUSTOM);          // bits 7:5 write-1-to-clear, 3:0 mirror the sockets
        common("IMR", IMR, 1, 0x00, READ_WRITE);
        common("RTR", RTR, 2, 0x07D0, READ_WRITE);  // 100 us units: 200 ms
        common("RCR", RCR, 1, 0x08, READ_WRITE);
        common("RMSR", RMSR, 1, 0x55, READ_WRITE);  // 2 KB per socket
        common("TMSR", TMSR, 1, 0x55, READ_WRITE);
        common("PATR", PATR, 2, 0x0000, READ_ONLY);
        common("PTIMER", PTIMER, 1, 0x28, READ_WRITE);
        common("PMAGIC", PMAGIC, 1, 0x00, READ_WRITE);
        common("UIPR", UIPR, 4, 0, READ_ONLY);
        common("UPORT", UPORT, 2, 0, READ_ONLY);
        for (int n = 0; n < SOCKETS; n++) {
            socket(n, "MR", Sn_MR, 1, 0x00, READ_WRITE);
            socket(n, "CR", Sn_CR, 1, 0x00, CUSTOM);            // command; reads 0 once accepted
            socket(n, "IR", Sn_IR, 1, 0x00, CUSTOM);            // write-1-to-clear
            socket(n, "SR", Sn_SR, 1, 0x00, READ_ONLY);
            socket(n, "PORT", Sn_PORT, 2, 0x0000, READ_WRITE);
            socket(n, "DHAR", Sn_DHAR, 6, 0xFFFF_FFFF_FFFFL, READ_WRITE);
            socket(n, "DIPR", Sn_DIPR, 4, 0, READ_WRITE);
            socket(n, "DPORT", Sn_DPORT, 2, 0, READ_WRITE);
            socket(n, "MSSR", Sn_MSSR, 2, 0, READ_WRITE);
            socket(n, "PROTO", Sn_PROTO, 1, 0x00, READ_WRITE);
            socket(n, "TOS", Sn_TOS, 1, 0x00, READ_WRITE);
            socket(n, "TTL", Sn_TTL, 1, 0x80, READ_WRITE);
            socket(n, "TX_FSR", Sn_TX_FSR, 2, 0x0800, READ_ONLY);
            socket(n, "TX_RD", Sn_TX_RD, 2, 0x0000, READ_ONLY);
            socket(n, "TX_WR", Sn_TX_WR, 2, 0x0000, READ_WRITE);
            socket(n, "RX_RSR", Sn_RX_RSR, 2, 0x0000, READ_ONLY);
            socket(n, "RX_RD", Sn_RX_RD, 2, 0x0000, READ_WRITE);
        }
    }

    private void common(String name, int address, int width, long reset, Register.Access access) {
        add(new Register(all.size(), name, address, width, reset, access, -1, address));
    }

    private void socket(int n, String name, int offset, int width, long reset, Register.Access access) {
        int address = SOCKET_BASE + n * SOCKET_STRIDE + offset;
        add(new Register(all.size(), "S" + n + "_" + name, address, width, reset, access, n, offset));
    }

    private void add(Register r) {
        for (int i = 0; i < r.width; i++) {
            if (byAddress[r.address + i] != null) {
                throw new IllegalStateException("register overlap at 0x" + Integer.toHexString(r.address + i));
            }
            byAddress[r.address + i] = r;
        }
        all.add(r);
    }

    /** The register covering this byte address, or {@code null} (reserved, or outside 0..0x07FF). */
    public Register at(int address) {
        return address >= 0 && address < REGISTER_SPACE ? byAddress[address] : null;
    }

    /** The register with this name (e.g. {@code "S2_TX_WR"}), or {@code null}. Not for hot paths. */
    public Register named(String name) {
        for (Register r : all) {
            if (r.name.equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** Socket register {@code offset} of socket {@code n}. */
    public Register socket(int n, int offset) {
        return byAddress[SOCKET_BASE + n * SOCKET_STRIDE + offset];
    }

    /** Every register, in declaration order (ids are the list indices). */
    public List<Register> all() {
        return Collections.unmodifiableList(all);
    }
}
