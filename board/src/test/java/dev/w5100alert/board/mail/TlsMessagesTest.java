package dev.w5100alert.board.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.smtp.FailureCause;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every TLS failure gets a sentence that names the setting to change, and none is a credential message. */
class TlsMessagesTest {

    static final Set<FailureCause> TLS = EnumSet.of(FailureCause.STARTTLS_NOT_OFFERED, FailureCause.STARTTLS_REFUSED,
            FailureCause.STARTTLS_REQUIRED, FailureCause.IMPLICIT_TLS_EXPECTED, FailureCause.CERT_UNTRUSTED,
            FailureCause.CERT_EXPIRED, FailureCause.CERT_NOT_YET_VALID, FailureCause.CERT_NAME_MISMATCH,
            FailureCause.CLOCK_NOT_SET, FailureCause.TLS_HANDSHAKE_FAILED);

    @ParameterizedTest
    @EnumSource(FailureCause.class)
    void tlsCausesGetAnActionableSentenceOthersNone(FailureCause cause) {
        String s = TlsMessages.explain(cause, "DETAIL-TEXT", 0, "", "SUMMARY");
        if (!TLS.contains(cause)) {
            assertNull(s, cause::name);
            assertFalse(TlsMessages.isTls(cause));
            return;
        }
        assertNotNull(s, cause::name);
        assertTrue(cause.needsUser(), "the firmware agrees it needs the user: " + cause);
        assertTrue(s.endsWith("[SUMMARY]"), s);
        assertFalse(s.contains("username") || s.contains("password"), "never a credential message: " + s);
        boolean namesSetting = s.contains("smtp.") || s.contains("clock");
        assertTrue(namesSetting, "names what to change: " + s);
        if (cause != FailureCause.STARTTLS_NOT_OFFERED && cause != FailureCause.STARTTLS_REQUIRED) {
            assertTrue(s.contains("(DETAIL-TEXT)"), "carries the firmware's detail: " + s);
        }
    }

    @ParameterizedTest
    @EnumSource(value = FailureCause.class, names = {"STARTTLS_REQUIRED", "IMPLICIT_TLS_EXPECTED", "CLOCK_NOT_SET"})
    void theIssuesWordsAreKept(FailureCause cause) {
        String s = TlsMessages.explain(cause, "", 0, "", "x");
        switch (cause) {
            case STARTTLS_REQUIRED -> assertEquals("the server requires STARTTLS before AUTH; set smtp.tls = starttls [x]", s);
            case IMPLICIT_TLS_EXPECTED -> assertTrue(s.contains("expects implicit TLS") && s.contains("smtp.tls = implicit"), s);
            case CLOCK_NOT_SET -> assertTrue(s.startsWith("the board's clock is not set"), s);
            default -> throw new AssertionError(cause);
        }
    }
}
