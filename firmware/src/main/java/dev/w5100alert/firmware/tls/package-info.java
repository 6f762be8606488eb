/**
 * TLS for the SMTP engine, as a link under it: {@link dev.w5100alert.firmware.tls.TlsLink} wraps any
 * {@link dev.w5100alert.firmware.net.TcpLink} (the W5100 socket or java.nio) and speaks TLS 1.2/1.3 on the JDK's
 * {@code SSLEngine}, polled, without threads or waits. {@link dev.w5100alert.firmware.tls.TlsPolicy} says what the
 * server must prove (trust anchors from {@code ca-file} or the JDK, the name or IP address its certificate must
 * carry); verification is always on: PKIX at the firmware clock's date, RFC 6125 names, no switch to turn either off.
 * {@link dev.w5100alert.firmware.tls.TlsFailure} classifies what went wrong; the SMTP engine maps it to a
 * {@link dev.w5100alert.firmware.smtp.FailureCause} that needs the user.
 */
package dev.w5100alert.firmware.tls;
