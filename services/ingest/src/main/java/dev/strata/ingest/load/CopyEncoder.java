package dev.strata.ingest.load;

import java.sql.SQLException;

import org.postgresql.copy.CopyIn;

/**
 * Writes rows in PostgreSQL's COPY text format (tab between fields, {@code \N} for NULL, backslash escapes) straight
 * into a {@link CopyIn}, through one reused buffer: no per-row objects.
 */
final class CopyEncoder {

    private static final int FLUSH_AT = 1 << 18;

    private final CopyIn copy;
    private byte[] buffer = new byte[FLUSH_AT + 4096];
    private int size;
    private boolean firstField = true;

    CopyEncoder(CopyIn copy) {
        this.copy = copy;
    }

    void field(String value) throws SQLException {
        if (!firstField) {
            put((byte) '\t');
        }
        firstField = false;
        if (value == null) {
            put((byte) '\\');
            put((byte) 'N');
            return;
        }
        int n = value.length();
        ensure(n * 3 + 8);
        byte[] b = buffer;
        int at = size;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> {
                        b[at++] = '\\';
                        b[at++] = '\\';
                    }
                    case '\t' -> {
                        b[at++] = '\\';
                        b[at++] = 't';
                    }
                    case '\n' -> {
                        b[at++] = '\\';
                        b[at++] = 'n';
                    }
                    case '\r' -> {
                        b[at++] = '\\';
                        b[at++] = 'r';
                    }
                    default -> b[at++] = (byte) c;
                }
            } else if (c < 0x800) {
                b[at++] = (byte) (0xc0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                b[at++] = (byte) (0xf0 | (cp >> 18));
                b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[at++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                b[at++] = (byte) (0xe0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[at++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        size = at;
    }

    void endRow() throws SQLException {
        put((byte) '\n');
        firstField = true;
        if (size >= FLUSH_AT) {
            flush();
        }
    }

    void flush() throws SQLException {
        if (size > 0) {
            copy.writeToCopy(buffer, 0, size);
            size = 0;
        }
    }

    private void put(byte b) {
        if (size == buffer.length) {
            ensure(1);
        }
        buffer[size++] = b;
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            byte[] bigger = new byte[Math.max(buffer.length * 2, size + extra)];
            System.arraycopy(buffer, 0, bigger, 0, size);
            buffer = bigger;
        }
    }
}
