package dev.strata.ingest.load;

import java.io.Closeable;
import java.util.List;

/** Reads the records of one file, one at a time, never the whole file. */
public interface RecordReader extends Closeable {

    /** The column names of the file (a CSV header, or the keys of the sampled JSON objects). */
    List<String> columns();

    /** Moves to the next record; false at the end. Throws {@link LoadException} naming the line on bad input. */
    boolean next();

    /** The line the current record starts on, from 1. */
    long line();

    /** The number of fields of the current record (for CSV, may differ from the columns: a ragged row). */
    int size();

    /** The value of field {@code i}, or null (a null marker, JSON null, a missing key). */
    String get(int i);

    /** Whether field {@code i} is a JSON object or array (written as JSON text). */
    default boolean structured(int i) {
        return false;
    }

    /** What is wrong with the current record beyond its values (e.g. an unknown JSON field); null when nothing. */
    default String problem() {
        return null;
    }

    @Override
    void close();
}
