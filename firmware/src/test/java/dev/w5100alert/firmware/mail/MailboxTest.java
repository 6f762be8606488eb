package dev.w5100alert.firmware.mail;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailboxTest {

    @ParameterizedTest
    @ValueSource(strings = {"a@b.example", "first.last+tag@mail.example.org", "x@[192.168.1.10]",
            "o'brien@example.ie", "a_b-c@sub-domain.example", "user@localhost"})
    void acceptsMailboxes(String address) {
        assertNull(Mailbox.problem(address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no-at", "@example.org", "user@", "a..b@example.org", ".a@example.org",
            "a.@example.org", "a b@example.org", "a@exa mple.org", "a@-example.org", "a@example-.org",
            "a@example..org", "a@example.org.", "\"quoted\"@example.org", "a@[1.2.3]", "a@[1.2.3.256]",
            "a@b.example\r\nRCPT TO:<x@y>", "a@b.example>", "<a@b.example>", "a@b.example\n"})
    void rejectsAnythingElseWithAReason(String address) {
        assertNotNull(Mailbox.problem(address), address);
    }

    @ParameterizedTest
    @ValueSource(ints = {65, 255})
    void rejectsOverlongParts(int n) {
        String local = "a".repeat(n);
        assertNotNull(Mailbox.problem(local + "@example.org"));
    }
}
