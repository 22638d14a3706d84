package dev.strata.cli;

import picocli.CommandLine.ITypeConverter;

/** A dataset named on the command line as {@code NAMESPACE.NAME} or {@code NAMESPACE/NAME}. */
record DatasetRef(String namespace, String name) {

    String path() {
        return "/api/registry/v1/datasets/" + Api.enc(namespace) + "/" + Api.enc(name);
    }

    @Override
    public String toString() {
        return namespace + "." + name;
    }

    static final class Converter implements ITypeConverter<DatasetRef> {
        @Override
        public DatasetRef convert(String value) {
            String[] parts = PipelineRef.split(value, "a dataset", "NAMESPACE.NAME, e.g. sales.orders");
            return new DatasetRef(parts[0], parts[1]);
        }
    }
}
