package dev.w5100alert.firmware.http;

/**
 * What the board shows on its status pages; the {@link HttpResponder} knows HTTP, the board knows what
 * to say. Implementations write into the fixed {@link ResponseBody} and must not allocate in steady state
 * (numbers through {@link ResponseBody#number}, never String.format or concatenation).
 */
public interface StatusContent {

    /** The resources the responder serves; anything else is 404. */
    enum Resource {
        /** {@code GET /}: the HTML page. */
        PAGE("/", "text/html; charset=utf-8"),
        /** {@code GET /status.json}: the same as JSON. */
        JSON("/status.json", "application/json"),
        /** {@code GET /metrics}: Prometheus text exposition format 0.0.4. */
        METRICS("/metrics", "text/plain; version=0.0.4; charset=utf-8");

        public final String path;
        public final String contentType;

        Resource(String path, String contentType) {
            this.path = path;
            this.contentType = contentType;
        }
    }

    /** Writes {@code resource} as it stands at {@code nowNanos} (the loop's clock) into {@code out}. */
    void write(Resource resource, long nowNanos, ResponseBody out);
}
