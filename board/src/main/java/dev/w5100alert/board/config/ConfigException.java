package dev.w5100alert.board.config;

import java.util.List;

/** A configuration file that must not be used; carries every error found, in line order. */
public final class ConfigException extends Exception {

    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(render(errors));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String render(List<ConfigError> errors) {
        StringBuilder sb = new StringBuilder(errors.size() + " configuration error(s):");
        for (ConfigError e : errors) {
            sb.append(System.lineSeparator()).append("  ").append(e);
        }
        return sb.toString();
    }
}
