package dev.w5100alert.sim;

import static dev.w5100alert.sim.RegisterTable.*;

/** Decodes register values into datasheet names for the trace ({@code S0_CR=CONNECT}). Trace-only. */
final class TraceFormat {
    private TraceFormat() {
    }

    static String register(Register r, int index, int value) {
        String name = r.width == 1 ? r.name : r.name + "[" + index + "]";
        return name + "=" + decode(r, value);
    }

    static String buffer(int address, int value) {
        String region = address >= W5100Simulator.RX_REGION ? "RXMEM" : "TXMEM";
        return region + "[0x" + W5100Simulator.hex4(address) + "]=0x" + W5100Simulator.hex2(value);
    }

    private static String decode(Register r, int v) {
        if (r.socket >= 0) {
            switch (r.offset) {
                case Sn_CR:
                    return command(v);
                case Sn_SR:
                    return status(v);
                case Sn_IR:
                    return bits(v, new String[] {"CON", "DISCON", "RECV", "TIMEOUT", "SEND_OK", "b5", "b6", "b7"});
                case Sn_MR:
                    return socketMode(v);
                default:
                    return "0x" + W5100Simulator.hex2(v);
            }
        }
        if (r.address == IR || r.address == IMR) {
            return bits(v, new String[] {"S0", "S1", "S2", "S3", "b4", "PPPoE", "UNREACH", "CONFLICT"});
        }
        if (r.address == MR) {
            return bits(v, new String[] {"IND", "AI", "b2", "PPPoE", "PB", "b5", "b6", "RST"});
        }
        return "0x" + W5100Simulator.hex2(v);
    }

    static String command(int v) {
        return switch (v) {
            case 0x00 -> "0";
            case 0x01 -> "OPEN";
            case 0x02 -> "LISTEN";
            case 0x04 -> "CONNECT";
            case 0x08 -> "DISCON";
            case 0x10 -> "CLOSE";
            case 0x20 -> "SEND";
            case 0x21 -> "SEND_MAC";
            case 0x22 -> "SEND_KEEP";
            case 0x40 -> "RECV";
            default -> "0x" + W5100Simulator.hex2(v) + "(?)";
        };
    }

    static String status(int v) {
        return switch (v) {
            case SimSocket.CLOSED -> "CLOSED";
            case SimSocket.ARP -> "ARP";
            case SimSocket.INIT -> "INIT";
            case SimSocket.LISTEN -> "LISTEN";
            case SimSocket.SYNSENT -> "SYNSENT";
            case SimSocket.SYNRECV -> "SYNRECV";
            case SimSocket.ESTABLISHED -> "ESTABLISHED";
            case SimSocket.FIN_WAIT -> "FIN_WAIT";
            case SimSocket.CLOSING -> "CLOSING";
            case SimSocket.TIME_WAIT -> "TIME_WAIT";
            case SimSocket.CLOSE_WAIT -> "CLOSE_WAIT";
            case SimSocket.LAST_ACK -> "LAST_ACK";
            case SimSocket.UDP -> "UDP";
            case SimSocket.IPRAW -> "IPRAW";
            case SimSocket.MACRAW -> "MACRAW";
            default -> "0x" + W5100Simulator.hex2(v) + "(?)";
        };
    }

    private static String socketMode(int v) {
        String proto = switch (v & 0x0F) {
            case 0 -> "CLOSED";
            case 1 -> "TCP";
            case 2 -> "UDP";
            case 3 -> "IPRAW";
            case 4 -> "MACRAW";
            case 5 -> "PPPoE";
            default -> "0x" + Integer.toHexString(v & 0x0F);
        };
        StringBuilder b = new StringBuilder(proto);
        if ((v & 0x20) != 0) {
            b.append("|ND/MC");
        }
        if ((v & 0x80) != 0) {
            b.append("|MULTI");
        }
        return b.toString();
    }

    private static String bits(int v, String[] names) {
        if (v == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        for (int bit = 7; bit >= 0; bit--) {
            if ((v & (1 << bit)) != 0) {
                if (b.length() > 0) {
                    b.append('|');
                }
                b.append(names[bit]);
            }
        }
        return b.toString();
    }
}
