package dev.w5100alert.board.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the small text files a configuration consists of (the configuration itself, a password file)
 * with a hard bound: only a regular file is opened (a FIFO would block the reader forever, a device such
 * as {@code /dev/zero} has no size and no end), and at most {@code max + 1} bytes are ever read, whatever
 * the file claims to be. Problems come back as {@link Problem}s whose message is plain words.
 */
public final class BoundedFile {

    /** Why a file could not be used, in words for a person (for example "does not exist"). */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message);
        }
    }

    private BoundedFile() { }

    /** The whole file as strict UTF-8 (a byte-order mark is kept for the caller to skip). */
    public static String readUtf8(Path file, int max) throws Problem {
        byte[] bytes = read(file, max);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Problem("is not valid UTF-8 text");
        }
    }

    /** The file's bytes, at most {@code max}. */
    public static byte[] read(Path file, int max) throws Problem {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new Problem(describe(e));
        }
        if (a.isDirectory()) {
            throw new Problem("is a directory, not a file");
        }
        if (!a.isRegularFile()) {
            throw new Problem("is not a regular file (a device, a FIFO or a socket); give the path of a text file");
        }
        if (a.size() > max) {
            throw new Problem("is " + a.size() + " bytes; at most " + max + " bytes are allowed");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new Problem("is larger than " + max + " bytes; at most " + max + " bytes are allowed");
            }
            return bytes;
        } catch (IOException e) {
            throw new Problem(describe(e));
        }
    }

    /** An I/O failure in words: "does not exist", "permission denied", never an exception class name. */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "does not exist (no such file)";
        }
        if (e instanceof AccessDeniedException) {
            return "cannot be read: permission denied (check its owner, group and mode)";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return "cannot be read: " + fse.getReason();
        }
        return "cannot be read" + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** {@code text} with control characters shown as {@code \x00}, for echoing a name a person typed. */
    public static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
