package dev.strata.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A pipeline named on the command line as {@code NAMESPACE.ID} (as in its YAML) or {@code NAMESPACE/ID}. */
record PipelineRef(String namespace, String id) {

    String path() {
        return "/api/scheduler/v1/pipelines/" + Api.enc(namespace) + "/" + Api.enc(id);
    }

    @Override
    public String toString() {
        return namespace + "." + id;
    }

    static final class Converter implements ITypeConverter<PipelineRef> {
        @Override
        public PipelineRef convert(String value) {
            String[] parts = split(value, "a pipeline", "NAMESPACE.ID, e.g. sales.orders_daily");
            return new PipelineRef(parts[0], parts[1]);
        }
    }

    /** {@code ns.name} or {@code ns/name} → the two parts (the first '/' wins, else the first '.'). */
    static String[] split(String value, String what, String expected) {
        int at = value.indexOf('/') > 0 ? value.indexOf('/') : value.indexOf('.');
        if (at <= 0 || at == value.length() - 1 || value.length() > 300) {
            throw new TypeConversionException("'" + value + "' is not " + what + ": write " + expected);
        }
        return new String[]{value.substring(0, at), value.substring(at + 1)};
    }
}
