package dev.w5100alert.firmware.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.w5100alert.firmware.smtp.FailureCause;
import dev.w5100alert.firmware.smtp.Outcome;
import dev.w5100alert.firmware.smtp.SendResult;
import dev.w5100alert.firmware.smtp.SmtpConfig;
import dev.w5100alert.firmware.smtp.SmtpEngine;
import dev.w5100alert.firmware.smtp.SmtpTimeouts;
import dev.w5100alert.firmware.smtp.Stage;
import dev.w5100alert.firmware.testing.AlertFixture;
import dev.w5100alert.firmware.testing.RecordingTranscript;
import dev.w5100alert.firmware.testing.ScriptServer;
import dev.w5100alert.firmware.testing.Transport;
import dev.w5100alert.firmware.testing.VirtualClock;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failure paths that need the chip in the loop: the engine over W5100Driver -> w5100-sim -> scripted server.
 * The simulator runs on the same virtual clock, so the RFC deadlines pass in virtual time there too.
 */
class ScriptedOverSimulatorTest {

    private final ScriptServer server;
    private final RecordingTranscript transcript = new RecordingTranscript();
    private Transport.Stack stack;
    private VirtualClock clock;

    ScriptedOverSimulatorTest() throws IOException {
        server = new ScriptServer();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (stack != null) {
            stack.close();
        }
        server.close();
    }

    private SmtpEngine engine() {
        server.start();
        clock = new VirtualClock(server::silent, 1_000_000_000L);
        stack = Transport.W5100_SIM.open(server.port(), clock);
        SmtpConfig cfg = SmtpConfig.builder().server(stack.serverIp(), stack.serverPort()).heloName("[192.168.1.50]")
                .credentials("alert-user", "sim-Secret").allowPlaintextAuth(true).timeouts(SmtpTimeouts.RFC_5321)
                .build();
        return new SmtpEngine(stack.link(), clock, cfg, transcript, 7);
    }

    @Test
    void reportsTheRefusedRecipientAndDeliversToTheOthers() {
        server.on("RCPT", "550 5.1.1 no such user", "250 2.1.5 ok");
        SmtpEngine engine = engine();
        AlertFixture fixture = new AlertFixture();
        SendResult r = engine.send(fixture.next(clock.epochMillis()));
        assertEquals(Outcome.DELIVERED, r.outcome(), () -> r + "\n" + transcript);
        assertEquals(2, r.recipientCount());
        assertFalse(r.recipientAccepted(0));
        assertEquals(550, r.recipientCode(0));
        assertTrue(r.recipientAccepted(1));
        assertTrue(server.dataLines().contains("Sensor: front-door"), server.dataLines()::toString);
        assertTrue(server.dataLines().contains("..dot line"), "dot-stuffed on the wire");
        assertFalse(transcript.toString().contains("sim-Secret"));
    }

    @Test
    void timesOutInVirtualTimeWhenTheServerFallsSilentAfterMail() {
        server.on("MAIL", ScriptServer.SILENCE);
        SmtpEngine engine = engine();
        long t0 = clock.nanoTime();
        SendResult r = engine.send(new AlertFixture().next(clock.epochMillis()));
        assertEquals(FailureCause.TIMEOUT, r.cause(), () -> r + "\n" + transcript);
        assertEquals(Stage.MAIL, r.stage());
        long waited = clock.nanoTime() - t0;
        assertTrue(waited >= 300_000_000_000L && waited <= 302_000_000_000L, "waited " + waited);
    }

    @Test
    void reportsTheConnectionLostInTheMiddleOfTheMessage() {
        server.on("DATA_LINE", ScriptServer.CLOSE);
        SmtpEngine engine = engine();
        SendResult r = engine.send(new AlertFixture().next(clock.epochMillis()));
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome(), () -> r + "\n" + transcript);
        assertEquals(FailureCause.CONNECTION_LOST, r.cause());
    }

    @Test
    void treats421AsTransientOverTheChip() {
        server.on("RCPT", "421 4.3.2 going down");
        SmtpEngine engine = engine();
        SendResult r = engine.send(new AlertFixture().next(clock.epochMillis()));
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
        assertEquals(421, r.replyCode());
        assertEquals(0, stack.driver().socketsInUse(), "socket freed");
    }

    @Test
    void turnsABusFaultIntoATransientFailureNamingTheDevice() throws IOException {
        server.on("DATA", ScriptServer.SILENCE); // the bus breaks while the engine waits for 354
        server.start();
        clock = new VirtualClock(() -> false, 1);
        dev.w5100alert.sim.W5100Simulator sim = new dev.w5100alert.sim.W5100Simulator(
                dev.w5100alert.sim.VirtualNetwork.builder().host(Transport.SIM_SERVER).tcp(25, server.port()).build(),
                clock::nanoTime);
        sim.wireLatency(0, 0); // this clock stands still: no ARP or handshake latency
        boolean[] broken = {false};
        dev.w5100alert.hal.SpiBus bus = (mosi, miso, offset, frames) -> {
            if (broken[0]) {
                throw new dev.w5100alert.hal.SpiException("SPI transfer failed (test)");
            }
            sim.transfer(mosi, miso, offset, frames);
        };
        dev.w5100alert.hal.W5100Driver driver = new dev.w5100alert.hal.W5100Driver(bus,
                dev.w5100alert.hal.ResetLine.NOT_WIRED, clock);
        driver.bringUp(dev.w5100alert.hal.NetworkConfig.of(0x020000000001L, dev.w5100alert.hal.Ipv4.of(192, 168, 1, 50),
                dev.w5100alert.hal.Ipv4.of(255, 255, 255, 0), dev.w5100alert.hal.Ipv4.of(192, 168, 1, 1)));
        dev.w5100alert.firmware.net.W5100TcpLink link = new dev.w5100alert.firmware.net.W5100TcpLink(driver,
                30_000_000_000L, 0);
        try (sim) {
            SmtpConfig cfg = SmtpConfig.builder().server(Transport.SIM_SERVER, 25).heloName("[192.168.1.50]").build();
            SmtpEngine engine = new SmtpEngine(link, clock, cfg, transcript, 7);
            engine.start(new AlertFixture().next(clock.epochMillis()), clock.nanoTime());
            for (int i = 0; i < 200_000 && engine.busy() && !server.silent(); i++) {
                if (engine.doWork(clock.nanoTime()) == 0) {
                    clock.idle();
                }
            }
            assertTrue(server.silent(), "reached DATA: " + transcript);
            broken[0] = true;
            for (int i = 0; i < 10 && engine.busy(); i++) {
                engine.doWork(clock.nanoTime());
            }
            SendResult r = engine.result();
            assertFalse(engine.busy());
            assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
            assertEquals(FailureCause.CONNECTION_LOST, r.cause());
            assertEquals(dev.w5100alert.firmware.net.TcpLink.Failure.DEVICE_ERROR, r.linkFailure());
        }
    }

    @Test
    void reportsConnectFailedWhenNothingListensOnTheVirtualPort() throws IOException {
        server.start();
        clock = new VirtualClock(() -> true, 100_000_000L);
        stack = Transport.W5100_SIM.open(server.port(), clock);
        SmtpConfig cfg = SmtpConfig.builder().server(Transport.SIM_SERVER, 26).heloName("[192.168.1.50]").build();
        SmtpEngine engine = new SmtpEngine(stack.link(), clock, cfg, transcript, 7);
        SendResult r = engine.send(new AlertFixture().next(clock.epochMillis()));
        assertEquals(Outcome.TRANSIENT_FAILURE, r.outcome());
        assertEquals(FailureCause.CONNECT_FAILED, r.cause(), r::toString);
        assertEquals(dev.w5100alert.firmware.net.TcpLink.Failure.REFUSED, r.linkFailure());
    }
}
