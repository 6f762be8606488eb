package dev.w5100alert.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.spi.Spi;
import dev.w5100alert.hal.SpiException;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** The Pi4J bindings against mocks of Pi4J's interfaces (the hardware seam). */
class Pi4jBindingTest {

    @Test
    void eachFrameIsItsOwnPi4jTransferSoChipSelectRisesBetweenFrames() {
        Spi spi = mock(Spi.class);
        byte[] mosi = {(byte) 0xF0, 0x00, 0x01, 0x55, 0x0F, 0x00, 0x01, 0x00, 0x0F, 0x00, 0x02, 0x00};
        byte[] miso = new byte[mosi.length];
        when(spi.transfer(any(byte[].class), anyInt(), any(byte[].class), anyInt(), eq(4))).thenAnswer(inv -> {
            byte[] out = inv.getArgument(2);
            int at = inv.getArgument(3);
            out[at + 3] = (byte) (0x40 + at);
            return 4;
        });
        new Pi4jSpiBus(spi).transfer(mosi, miso, 4, 2);

        InOrder order = inOrder(spi);
        order.verify(spi).transfer(same(mosi), eq(4), same(miso), eq(4), eq(4));
        order.verify(spi).transfer(same(mosi), eq(8), same(miso), eq(8), eq(4));
        verify(spi, never()).transfer(any(byte[].class), eq(0), any(byte[].class), anyInt(), anyInt());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x44, 0, 0, 0, 0x48}, miso);
    }

    @Test
    void shortTransferBecomesSpiException() {
        Spi spi = mock(Spi.class);
        when(spi.transfer(any(byte[].class), anyInt(), any(byte[].class), anyInt(), anyInt())).thenReturn(2);
        SpiException e = assertThrows(SpiException.class,
                () -> new Pi4jSpiBus(spi).transfer(new byte[4], new byte[4], 0, 1));
        assertEquals("SPI transfer moved 2 bytes instead of 4", e.getMessage());
    }

    @Test
    void pi4jFailureIsWrappedWithItsCause() {
        Spi spi = mock(Spi.class);
        IllegalStateException cause = new IllegalStateException("ioctl failed");
        when(spi.transfer(any(byte[].class), anyInt(), any(byte[].class), anyInt(), anyInt())).thenThrow(cause);
        SpiException e = assertThrows(SpiException.class,
                () -> new Pi4jSpiBus(spi).transfer(new byte[4], new byte[4], 0, 1));
        assertEquals(cause, e.getCause());
    }

    @Test
    void arraysTooShortAreRejectedBeforeAnyTransfer() {
        Spi spi = mock(Spi.class);
        assertThrows(IllegalArgumentException.class, () -> new Pi4jSpiBus(spi).transfer(new byte[8], new byte[4], 0, 2));
        verify(spi, never()).transfer(any(byte[].class), anyInt(), any(byte[].class), anyInt(), anyInt());
    }

    @Test
    void clockAboveFourteenMegahertzIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pi4jSpiBus.open(mock(com.pi4j.context.Context.class), 0, 0, 20_000_000));
        assertEquals(true, e.getMessage().contains("14000000"));
    }

    @Test
    void resetLineDrivesTheActiveLowPin() {
        DigitalOutput pin = mock(DigitalOutput.class);
        Pi4jResetLine line = new Pi4jResetLine(pin);
        line.assertReset(true);
        line.assertReset(false);
        InOrder order = inOrder(pin);
        order.verify(pin).low();
        order.verify(pin).high();
    }

    @Test
    void openConfiguresLinuxfsSpiInModeZeroWithBusChipSelectAndClock() {
        com.pi4j.context.Context context = contextMock();
        Spi spi = mock(Spi.class);
        org.mockito.ArgumentCaptor<com.pi4j.io.spi.SpiConfig> config =
                org.mockito.ArgumentCaptor.forClass(com.pi4j.io.spi.SpiConfig.class);
        when(context.create(config.capture())).thenReturn(spi);
        Pi4jSpiBus.open(context, 0, 1, 14_000_000);
        com.pi4j.io.spi.SpiConfig c = config.getValue();
        assertEquals(com.pi4j.io.spi.SpiMode.MODE_0, c.mode());
        assertEquals(14_000_000, c.baud());
        assertEquals(com.pi4j.io.spi.SpiBus.BUS_0, c.bus());
        assertEquals(com.pi4j.io.spi.SpiChipSelect.CS_1, c.chipSelect());
        assertEquals("linuxfs-spi", c.provider());
    }

    @Test
    void openConfiguresTheResetPinReleasedHigh() {
        com.pi4j.context.Context context = contextMock();
        org.mockito.ArgumentCaptor<com.pi4j.io.gpio.digital.DigitalOutputConfig> config =
                org.mockito.ArgumentCaptor.forClass(com.pi4j.io.gpio.digital.DigitalOutputConfig.class);
        when(context.create(config.capture())).thenReturn(mock(DigitalOutput.class));
        Pi4jResetLine.open(context, 25);
        assertEquals(25, config.getValue().address());
        assertEquals(com.pi4j.io.gpio.digital.DigitalState.HIGH, config.getValue().initialState());
        assertEquals("linuxfs-digital-output", config.getValue().provider());
    }

    /** A Pi4J context with no properties (the config builders read them). */
    private static com.pi4j.context.Context contextMock() {
        com.pi4j.context.Context context = mock(com.pi4j.context.Context.class);
        com.pi4j.context.ContextProperties props = mock(com.pi4j.context.ContextProperties.class);
        when(props.all()).thenReturn(java.util.Map.of());
        when(context.properties()).thenReturn(props);
        return context;
    }
}
