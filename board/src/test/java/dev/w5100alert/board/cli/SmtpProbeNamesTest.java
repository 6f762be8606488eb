package dev.w5100alert.board.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.board.pki.DemoPki;
import org.junit.jupiter.api.Test;

/** diagnose's "names" line: the RFC 6125 remark belongs to the server's certificate, not to its CA. */
class SmtpProbeNamesTest {

    @Test
    void onlyTheLeafIsToldItNeedsASubjectAltName() {
        DemoPki pki = DemoPki.create(System.currentTimeMillis(), "mail.example.test", null);
        assertEquals("DNS:mail.example.test", SmtpProbe.subjectAltNames(pki.serverCertificate(), true));
        String ca = SmtpProbe.subjectAltNames(pki.caCertificate(), false);
        assertTrue(ca.startsWith("(none;"), ca);
        String caAsLeaf = SmtpProbe.subjectAltNames(pki.caCertificate(), true);
        assertTrue(caAsLeaf.contains("RFC 6125"), caAsLeaf);
    }
}
