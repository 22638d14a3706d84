package dev.strata.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --gateway-port}: a port from 1 to 65535, or {@code auto} (returned as {@link #AUTO}). */
final class PortOrAuto implements ITypeConverter<Integer> {

    static final int AUTO = 0;

    @Override
    public Integer convert(String value) {
        String text = value.strip();
        if (text.equalsIgnoreCase("auto")) {
            return AUTO;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException("'" + value + "' is not a port: use a number from 1 to 65535, or auto");
    }
}
