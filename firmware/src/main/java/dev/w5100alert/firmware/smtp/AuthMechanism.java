package dev.w5100alert.firmware.smtp;

/** SASL mechanisms the engine speaks (RFC 4616 PLAIN, the LOGIN draft), or AUTO to pick from the server's. */
public enum AuthMechanism { AUTO, PLAIN, LOGIN }
