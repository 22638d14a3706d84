package dev.strata.ingest.load;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import de.siegmar.fastcsv.reader.CommentStrategy;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;

import dev.strata.events.LoadSpec;

/** CSV and TSV with FastCSV: strict about quotes, ragged rows reported to the caller, line numbers kept. */
final class CsvRecords implements RecordReader {

    private final String file;
    private final Path path;
    private final LoadSpec.Format format;
    private final CsvReader<CsvRecord> reader;
    private final Iterator<CsvRecord> records;
    private final Set<String> nullMarkers;
    private final boolean emptyIsNull;
    private final List<String> columns;
    private CsvRecord current;
    private CsvRecord pending;
    private long lastLine;

    CsvRecords(Path path, String file, LoadSpec.Format format, int maxLineLength, TextInput.Limits decompression) {
        this.file = file;
        this.path = path;
        this.format = format;
        this.nullMarkers = new HashSet<>(format.nullMarkers());
        this.emptyIsNull = nullMarkers.contains("");
        try {
            Reader text = TextInput.reader(path, format.compression(), format.encoding(), decompression, file);
            this.reader = CsvReader.builder().fieldSeparator(format.delimiter().charAt(0))
                    .quoteCharacter(format.quote().charAt(0)).commentStrategy(CommentStrategy.NONE)
                    .skipEmptyLines(true).ignoreDifferentFieldCount(true).acceptCharsAfterQuotes(false)
                    .detectBomHeader(false).maxBufferSize(Math.max(maxLineLength, 1024)).ofCsvRecord(text);
        } catch (IOException e) {
            throw LoadException.unavailable("cannot read the spooled copy of " + file + ": " + e.getMessage(), e);
        }
        this.records = reader.iterator();
        if (format.header()) {
            if (!advance()) {
                columns = List.of();
                return;
            }
            List<String> raw = new ArrayList<>(current.getFieldCount());
            for (int i = 0; i < current.getFieldCount(); i++) {
                raw.add(current.getField(i));
            }
            columns = Columns.normalizeAll(raw);
            current = null;
        } else {
            if (advance()) {
                pending = current;
                List<String> raw = new ArrayList<>();
                for (int i = 0; i < pending.getFieldCount(); i++) {
                    raw.add("column_" + (i + 1));
                }
                columns = raw;
            } else {
                columns = List.of();
            }
            current = null;
        }
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public boolean next() {
        if (pending != null) {
            current = pending;
            pending = null;
            return true;
        }
        return advance();
    }

    private boolean advance() {
        try {
            if (!records.hasNext()) {
                current = null;
                return false;
            }
            current = records.next();
            lastLine = current.getStartingLineNumber();
            return true;
        } catch (CsvParseException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof LoadException source) {
                    throw source; // the download broke off: its own message, not a parse error
                }
            }
            String cause = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            if (TextInput.isDecodingError(e)) {
                throw invalidBytes();
            }
            if (cause != null && cause.contains("buffer size")) {
                throw LoadException.input(file + ": line " + (lastLine + 1) + " is longer than the limit of "
                        + "strata.ingest.max-line-length characters (or has an unclosed quote)");
            }
            throw LoadException.input(file + ": bad quoting after line " + lastLine + ": " + cause);
        } catch (UncheckedIOException e) {
            if (TextInput.isDecodingError(e)) {
                throw invalidBytes();
            }
            throw LoadException.unavailable("cannot read the spooled copy of " + file + ": " + e.getMessage(), e);
        }
    }

    private LoadException invalidBytes() {
        return LoadException.input(file + ": invalid bytes for the file's encoding " + format.encoding() + " at "
                + TextInput.locateInvalid(path, format.compression(), format.encoding())
                + " (set format.encoding if the file is not " + format.encoding() + ")");
    }

    @Override
    public long line() {
        return current.getStartingLineNumber();
    }

    @Override
    public int size() {
        return current.getFieldCount();
    }

    @Override
    public String get(int i) {
        String value = current.getField(i);
        if (emptyIsNull && value.isEmpty()) {
            return null;
        }
        return nullMarkers.size() > (emptyIsNull ? 1 : 0) && nullMarkers.contains(value) ? null : value;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            // a read-only file
        }
    }
}
