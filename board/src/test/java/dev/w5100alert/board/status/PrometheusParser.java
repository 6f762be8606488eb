package dev.w5100alert.board.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parses Prometheus text exposition with the official Prometheus client library's parser
 * ({@code prometheus_client.parser.text_string_to_metric_families}, Debian's python3-prometheus-client; the
 * Java client only writes the format). Samples come back as {@code name{label=value,...}} to value. A text the
 * parser refuses fails the test with the parser's message.
 */
final class PrometheusParser {
    private PrometheusParser() { }

    private static final String SCRIPT = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            text = sys.stdin.read()
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    labels = ",".join(k + "=" + v for k, v in sorted(s.labels.items()))
                    print(family.type + "\\t" + s.name + ("{" + labels + "}" if labels else "") + "\\t" + repr(float(s.value)))
            """;

    static Map<String, Double> parse(String exposition) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", SCRIPT).redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("the Prometheus parser refused the metrics (is python3-prometheus-client "
                    + "installed? .ci/run installs it):\n" + out + "\n--- input ---\n" + exposition);
        }
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            if (f[0].equals("unknown")) {
                throw new AssertionError("a metric without a TYPE: " + line);
            }
            samples.put(f[1], Double.parseDouble(f[2]));
        }
        return samples;
    }
}
