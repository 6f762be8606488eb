package dev.w5100alert.board.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.smtp.FailureCause;
import org.junit.jupiter.api.Test;

/** Only a refusal of the credentials sends the user to the user name and the password. */
class AuthAdviceTest {

    @Test
    void noMechanismOfferedIsNotACredentialProblem() {
        String s = EngineTransport.authAdvice(FailureCause.AUTH_NOT_OFFERED);
        assertFalse(s.contains("password"), s);
        assertTrue(s.contains("smtp.auth") && s.contains("smtp.port") && s.contains("smtp.username"), s);
    }

    @Test
    void plaintextRefusalNamesTheTlsSetting() {
        String s = EngineTransport.authAdvice(FailureCause.PLAINTEXT_AUTH_FORBIDDEN);
        assertTrue(s.contains("smtp.tls") && s.contains("allow-plaintext-auth"), s);
        assertFalse(s.contains("password source"), s);
    }

    @Test
    void refusedCredentialsPointAtThem() {
        assertEquals("check smtp.username and the password source", EngineTransport.authAdvice(FailureCause.REPLY));
    }
}
