package dev.w5100alert.board.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every file operation the outbox performs, behind one seam: the real file system on the board, and in the
 * tests a recording implementation that rebuilds each state a power cut could leave (writes not yet forced
 * may be missing or torn, renames not yet made durable by a directory sync may be undone).
 *
 * <p>The outbox relies on exactly these promises: bytes written to a {@link Handle} are on storage once
 * {@link Handle#force()} returns; {@link #replace} is atomic (the target is the old or the new file, never a
 * mix) and durable once {@link #forceDirectory} returns.
 */
public interface OutboxFiles {

    /** An open file, read-write. */
    interface Handle extends AutoCloseable {
        long size() throws IOException;

        /** Writes all {@code len} bytes at {@code position}. */
        void write(long position, byte[] src, int off, int len) throws IOException;

        /** fsync: everything written so far is on storage when this returns. */
        void force() throws IOException;

        void truncate(long size) throws IOException;

        @Override
        void close() throws IOException;
    }

    boolean exists(Path file);

    void createDirectories(Path dir) throws IOException;

    /** The whole file, or an {@link IOException} when it is not a regular file or larger than {@code maxBytes}. */
    byte[] read(Path file, long maxBytes) throws IOException;

    /** Opens a file read-write, creating it (empty) if it does not exist. */
    Handle open(Path file) throws IOException;

    /** Atomically renames {@code from} over {@code to}. */
    void replace(Path from, Path to) throws IOException;

    void delete(Path file) throws IOException;

    /** Makes creations and renames in {@code dir} durable (best effort where the platform cannot). */
    void forceDirectory(Path dir);

    /** Names of the entries of {@code dir} (empty if it does not exist). */
    List<String> list(Path dir) throws IOException;

    /**
     * Takes an exclusive lock on {@code file} (created if missing) for as long as the returned handle is open,
     * or returns null when another process, or another part of this one, holds it.
     */
    AutoCloseable tryLock(Path file) throws IOException;

    /** The real file system. */
    static OutboxFiles system() {
        return SystemFiles.INSTANCE;
    }

    /** {@link OutboxFiles} over {@link FileChannel}. */
    final class SystemFiles implements OutboxFiles {
        static final SystemFiles INSTANCE = new SystemFiles();

        private SystemFiles() { }

        @Override
        public boolean exists(Path file) {
            return Files.exists(file);
        }

        @Override
        public void createDirectories(Path dir) throws IOException {
            Files.createDirectories(dir);
        }

        @Override
        public byte[] read(Path file, long maxBytes) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " is not a regular file");
            }
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = in.size();
                if (size > maxBytes) {
                    throw new IOException(file + " is " + size + " bytes; at most " + maxBytes + " expected");
                }
                ByteBuffer buf = ByteBuffer.allocate((int) size);
                while (buf.hasRemaining() && in.read(buf) >= 0) {
                    // a file that shrinks while read ends early; the caller sees fewer bytes
                }
                return buf.position() == buf.capacity() ? buf.array() : java.util.Arrays.copyOf(buf.array(), buf.position());
            }
        }

        @Override
        public Handle open(Path file) throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            return new Handle() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void write(long position, byte[] src, int off, int len) throws IOException {
                    ByteBuffer b = ByteBuffer.wrap(src, off, len);
                    long p = position;
                    while (b.hasRemaining()) {
                        p += ch.write(b, p);
                    }
                }

                @Override
                public void force() throws IOException {
                    ch.force(true);
                }

                @Override
                public void truncate(long size) throws IOException {
                    ch.truncate(size);
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }

        @Override
        public void replace(Path from, Path to) throws IOException {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        @Override
        public void delete(Path file) throws IOException {
            Files.deleteIfExists(file);
        }

        @Override
        public void forceDirectory(Path dir) {
            // Makes a rename durable on Linux; not every platform lets a directory be opened.
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException ignored) {
                // best effort
            }
        }

        @Override
        public List<String> list(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(p -> out.add(p.getFileName().toString()));
            }
            return out;
        }

        @Override
        public AutoCloseable tryLock(Path file) throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this process (another outbox on the same directory)
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                ch.close();
                return null;
            }
            FileLock held = lock;
            return () -> {
                held.release();
                ch.close();
            };
        }
    }
}
