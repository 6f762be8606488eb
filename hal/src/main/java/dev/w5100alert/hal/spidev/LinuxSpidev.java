package dev.w5100alert.hal.spidev;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * {@link SpidevNative} on Linux's libc through JNA <em>direct mapping</em> (static natives bound once with
 * {@link Native#register}), which passes {@code int}, {@code long} and {@link Pointer} arguments without
 * per-call allocation. {@code ioctl}'s request is a C {@code unsigned long}: 64 bits on arm64/x86-64,
 * 32 on armhf, so the matching binding is picked by {@link Native#LONG_SIZE}. Nothing is loaded until
 * first used (tests never touch libc).
 */
public final class LinuxSpidev implements SpidevNative {

    public static final LinuxSpidev INSTANCE = new LinuxSpidev();

    private LinuxSpidev() {
    }

    private static final class C {
        static {
            Native.register(C.class, Platform.C_LIBRARY_NAME);
        }

        static native int open(String path, int flags) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }

    /** {@code unsigned long} is 64 bits. */
    private static final class Ioctl64 {
        static {
            Native.register(Ioctl64.class, Platform.C_LIBRARY_NAME);
        }

        static native int ioctl(int fd, long request, Pointer argument) throws LastErrorException;
    }

    /** {@code unsigned long} is 32 bits. */
    private static final class Ioctl32 {
        static {
            Native.register(Ioctl32.class, Platform.C_LIBRARY_NAME);
        }

        static native int ioctl(int fd, int request, Pointer argument) throws LastErrorException;
    }

    @Override
    public int open(String path, int flags) {
        try {
            return C.open(path, flags);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public int ioctl(int fd, int request, Pointer argument) {
        try {
            // Every request used here is below 2^31 (write direction is bit 30), so widening is exact.
            return Native.LONG_SIZE == 8 ? Ioctl64.ioctl(fd, request & 0xFFFF_FFFFL, argument)
                    : Ioctl32.ioctl(fd, request, argument);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }

    @Override
    public int close(int fd) {
        try {
            return C.close(fd);
        } catch (LastErrorException e) {
            return -e.getErrorCode();
        }
    }
}
