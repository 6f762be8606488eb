package dev.w5100alert.firmware.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generator's ChaCha20 block function against the JDK's ChaCha20 cipher, and its draws. */
class RandomSourceTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 20261201})
    void blockFunctionMatchesTheJdksChaCha20Keystream(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] keyBytes = new byte[32];
        byte[] nonceBytes = new byte[12];
        for (int i = 0; i < 32; i++) {
            keyBytes[i] = (byte) r.nextInt(256);
        }
        for (int i = 0; i < 12; i++) {
            nonceBytes[i] = (byte) r.nextInt(256);
        }
        int counter = r.nextInt() & 0x7FFF_FFFF;
        Cipher jdk = Cipher.getInstance("ChaCha20");
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyBytes, "ChaCha20"),
                new ChaCha20ParameterSpec(nonceBytes, counter));
        byte[] expected = jdk.doFinal(new byte[64]); // keystream XOR zeros

        int[] key = new int[8];
        int[] nonce = new int[3];
        for (int i = 0; i < 8; i++) {
            key[i] = le(keyBytes, 4 * i);
        }
        for (int i = 0; i < 3; i++) {
            nonce[i] = le(nonceBytes, 4 * i);
        }
        int[] out = new int[16];
        RandomSource.block(key, counter, nonce, new int[16], out);
        byte[] got = new byte[64];
        for (int i = 0; i < 16; i++) {
            for (int k = 0; k < 4; k++) {
                got[4 * i + k] = (byte) (out[i] >>> (8 * k));
            }
        }
        assertArrayEquals(expected, got, "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 4})
    void drawsAreUniformEnoughAndReplayFromTheSameSeed(long seed) throws Exception {
        SecureRandom s1 = SecureRandom.getInstance("SHA1PRNG");
        s1.setSeed(seed);
        SecureRandom s2 = SecureRandom.getInstance("SHA1PRNG");
        s2.setSeed(seed);
        RandomSource a = RandomSource.of(s1);
        RandomSource b = RandomSource.of(s2);
        int[] buckets = new int[16];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 16_000; i++) {
            int v = a.nextInt();
            assertEquals(v, b.nextInt(), "seed " + seed + " draw " + i);
            seen.add(v);
            buckets[a.nextInt(16)]++;
            b.nextInt(16);
        }
        assertTrue(seen.size() > 15_990, "seed " + seed + ": repeats " + (16_000 - seen.size()));
        for (int n : buckets) {
            assertTrue(n > 800 && n < 1200, "seed " + seed + ": bucket " + n);
        }
        assertEquals(4000, a.blocks(), "8 draws per block");
        assertNotEquals(RandomSource.secure().nextInt(), RandomSource.secure().nextInt());
    }

    private static int le(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
