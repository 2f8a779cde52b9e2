package dev.mhcspark.jobs;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enum-valued flags spelled in lower case with dashes ({@code blank-line}), with errors that list the choices. */
final class Flags {
    private Flags() {
    }

    static <E extends Enum<E>> E parse(String flag, String value, Class<E> type) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException(flag + ": expected one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).collect(Collectors.joining(", "))
                + ", got '" + value + "'");
    }
}
