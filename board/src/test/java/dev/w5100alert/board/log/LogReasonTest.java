package dev.w5100alert.board.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class LogReasonTest {

    @Test
    void fileErrorsReadAsWordsNotAsExceptionNamesOrARepeatedPath() {
        assertEquals("no such file or directory", Log.reason(new NoSuchFileException("/var/lib/x/failed.txt")));
        assertEquals("permission denied", Log.reason(new AccessDeniedException("/var/lib/x/failed.txt")));
        assertEquals("No space left on device",
                Log.reason(new FileSystemException("/var/lib/x/outbox.log", null, "No space left on device")));
        assertEquals("disk on fire", Log.reason(new IOException("disk on fire")));
        String bare = Log.reason(new IOException());
        assertEquals("I/O error", bare);
        assertFalse(Log.reason(new NoSuchFileException("/x")).contains("Exception"));
    }
}
