package dev.w5100alert.hal.spidev;

import com.sun.jna.Pointer;

/**
 * The three system calls the spidev binding makes, behind a seam: {@link LinuxSpidev} calls libc through
 * JNA direct mapping; tests put an implementation here that decodes the kernel's structures from native
 * memory and shifts the frames through a simulated chip.
 *
 * <p>Errors come back as a negative errno (never as an exception), so the binding can react to EMSGSIZE.
 */
public interface SpidevNative {

    /** {@code open(2)}: a file descriptor, or {@code -errno}. */
    int open(String path, int flags);

    /** {@code ioctl(2)} with a pointer argument: {@code >= 0}, or {@code -errno}. */
    int ioctl(int fd, int request, Pointer argument);

    /** {@code close(2)}: 0, or {@code -errno}. */
    int close(int fd);
}
