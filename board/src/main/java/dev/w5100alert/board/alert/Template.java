package dev.w5100alert.board.alert;

import java.util.Set;

/**
 * Subject and body templates: literal text with placeholders in braces.
 *
 * <ul>
 *   <li>{@code {sensor}} the sensor's name</li>
 *   <li>{@code {state}} its state as configured (active-name / inactive-name)</li>
 *   <li>{@code {time}} when the change happened, ISO-8601 UTC</li>
 *   <li>{@code {count}} changes this mail reports (1 plus the coalesced ones)</li>
 *   <li>{@code {changes}} the coalescing summary ("3 more changes since ...") or nothing</li>
 *   <li>{@code {since}} time of the previous mail for this sensor, or "start"</li>
 * </ul>
 * {@code {{} } is a literal brace. Unknown placeholders are rejected when the configuration is read.
 */
public final class Template {

    public static final Set<String> PLACEHOLDERS = Set.of("sensor", "state", "time", "count", "changes", "since");

    private Template() { }

    /** Returns what is wrong with {@code template}, or null when it is fine. */
    public static String check(String template) {
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '}') {
                return "unmatched '}' at column " + (i + 1);
            }
            if (c != '{') {
                i++;
                continue;
            }
            if (template.startsWith("{{}", i)) {
                i += 3;
                continue;
            }
            int end = template.indexOf('}', i);
            if (end < 0) {
                return "unclosed '{' at column " + (i + 1);
            }
            String name = template.substring(i + 1, end);
            if (!PLACEHOLDERS.contains(name)) {
                return "unknown placeholder {" + name + "}; known: {sensor} {state} {time} {count} {changes} {since}";
            }
            i = end + 1;
        }
        return null;
    }

    /** Fills a template already accepted by {@link #check}. */
    public static String render(String template, String sensor, String state, String time, int count,
                                String changes, String since) {
        StringBuilder sb = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                sb.append(c);
                i++;
                continue;
            }
            if (template.startsWith("{{}", i)) {
                sb.append('{');
                i += 3;
                continue;
            }
            int end = template.indexOf('}', i);
            String name = template.substring(i + 1, end);
            switch (name) {
                case "sensor" -> sb.append(sensor);
                case "state" -> sb.append(state);
                case "time" -> sb.append(time);
                case "count" -> sb.append(count);
                case "changes" -> sb.append(changes);
                case "since" -> sb.append(since);
                default -> throw new IllegalArgumentException("unchecked template placeholder {" + name + "}");
            }
            i = end + 1;
        }
        return sb.toString();
    }
}
