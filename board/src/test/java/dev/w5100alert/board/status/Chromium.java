package dev.w5100alert.board.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Headless Chromium (Debian's {@code chromium}, installed by .ci/run) loading a loopback page. */
final class Chromium {
    private Chromium() { }

    static final Path BINARY = Path.of("/usr/bin/chromium");

    record Result(String dom, Path screenshot) { }

    /** Dumps the DOM of {@code url} after load and saves a phone-sized screenshot to {@code screenshot}. */
    static Result load(String url, Path screenshot) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: apt-get install chromium (.ci/run does this)");
        }
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        String dom = run(url, "--dump-dom");
        run(url, "--screenshot=" + screenshot.toAbsolutePath(), "--window-size=412,1400", "--hide-scrollbars");
        return new Result(dom, screenshot);
    }

    private static String run(String url, String... extra) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        try {
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
            cmd.addAll(List.of(extra));
            cmd.add(url);
            Path out = profile.resolve("stdout.txt");
            Path err = profile.resolve("stderr.txt");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within 120 s: " + Files.readString(err));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("chromium exited " + p.exitValue() + ": " + Files.readString(err));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
