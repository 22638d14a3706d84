package dev.strata.ingest.load;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import dev.strata.events.LoadSpec;

/**
 * A JSON array of objects or NDJSON (one object per line), read with Jackson's streaming parser. Each top-level
 * object is a record; nested objects and arrays become JSON text (type jsonb).
 * <p>
 * In discovery mode ({@code columns == null}) every new key becomes a column, for sampling; otherwise the columns are
 * fixed and a key outside them is the record's {@link #problem()}.
 */
final class JsonRecords implements RecordReader {

    private final String file;
    private final Path path;
    private final LoadSpec.Format format;
    private final boolean array;
    private final boolean discover;
    private final JsonParser parser;
    private final JsonFactory factory;
    private final List<String> columns;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, String> normalized = new HashMap<>();
    private String[] values;
    private boolean[] structured;
    private String problem;
    private long line;
    private boolean started;

    JsonRecords(Path path, String file, LoadSpec.Format format, List<String> columns, int maxLineLength,
            TextInput.Limits decompression) {
        this.file = file;
        this.path = path;
        this.format = format;
        this.array = "json".equals(format.type());
        this.discover = columns == null;
        this.columns = columns == null ? new ArrayList<>() : List.copyOf(columns);
        for (int i = 0; i < this.columns.size(); i++) {
            index.put(this.columns.get(i), i);
        }
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Math.max(maxLineLength, 1024))
                        .build())
                .build();
        try {
            this.parser = factory.createParser(TextInput.reader(path, format.compression(), format.encoding(),
                    decompression, file));
        } catch (IOException e) {
            throw LoadException.unavailable("cannot read the spooled copy of " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public boolean next() {
        try {
            JsonToken token = parser.nextToken();
            if (!started) {
                started = true;
                if (array) {
                    if (token == null) {
                        return false;
                    }
                    if (token != JsonToken.START_ARRAY) {
                        throw LoadException.input(file + ": line " + parser.currentLocation().getLineNr()
                                + ": format json expects an array of objects ([{...}, ...]); use ndjson for one "
                                + "object per line");
                    }
                    token = parser.nextToken();
                }
            }
            if (token == null || (array && token == JsonToken.END_ARRAY)) {
                if (array && token == null) {
                    throw LoadException.input(file + ": the JSON array is not closed at the end of the file");
                }
                return false;
            }
            line = parser.currentTokenLocation().getLineNr();
            if (token != JsonToken.START_OBJECT) {
                throw LoadException.input(file + ": line " + line + ", column "
                        + parser.currentTokenLocation().getColumnNr() + ": expected a JSON object, found "
                        + parser.getText());
            }
            readObject();
            return true;
        } catch (JsonProcessingException e) {
            throw LoadException.input(file + ": line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            if (TextInput.isDecodingError(e)) {
                throw LoadException.input(file + ": invalid bytes for the file's encoding " + format.encoding() + " at "
                        + TextInput.locateInvalid(path, format.compression(), format.encoding())
                        + " (set format.encoding if the file is not " + format.encoding() + ")");
            }
            throw LoadException.unavailable("cannot read the spooled copy of " + file + ": " + e.getMessage(), e);
        }
    }

    private void readObject() throws IOException {
        int width = columns.size();
        values = new String[width];
        structured = new boolean[width];
        problem = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = normalized.computeIfAbsent(parser.currentName(), k -> Columns.normalize(k, 0));
            JsonToken value = parser.nextToken();
            Integer at = index.get(key);
            if (at == null) {
                if (discover) {
                    at = columns.size();
                    columns.add(key);
                    index.put(key, at);
                    values = Arrays.copyOf(values, columns.size());
                    structured = Arrays.copyOf(structured, columns.size());
                } else {
                    if (problem == null) {
                        problem = "unknown field '" + key + "'";
                    }
                    parser.skipChildren();
                    continue;
                }
            }
            switch (value) {
                case VALUE_NULL -> values[at] = null;
                case START_OBJECT, START_ARRAY -> {
                    values[at] = copyStructure();
                    structured[at] = true;
                }
                default -> values[at] = parser.getText();
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw LoadException
                    .input(file + ": line " + parser.currentLocation().getLineNr() + ": invalid JSON object");
        }
    }

    private String copyStructure() throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = factory.createGenerator(out)) {
            generator.copyCurrentStructure(parser);
        }
        return out.toString();
    }

    @Override
    public long line() {
        return line;
    }

    @Override
    public int size() {
        return columns.size();
    }

    @Override
    public String get(int i) {
        return i < values.length ? values[i] : null;
    }

    @Override
    public boolean structured(int i) {
        return i < structured.length && structured[i];
    }

    @Override
    public String problem() {
        return problem;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            // a read-only file
        }
    }
}
