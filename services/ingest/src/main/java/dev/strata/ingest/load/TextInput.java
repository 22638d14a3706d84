package dev.strata.ingest.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import dev.strata.ingest.source.Download;

/**
 * Opens a spooled file as text: gunzipped when needed, decoded strictly (bad bytes are errors), BOM skipped; a file
 * still being downloaded is followed as it grows.
 */
public final class TextInput {

    private static final int BUFFER = 1 << 16;

    private TextInput() {
    }

    /** Whether the file starts with the gzip magic bytes. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Download.open(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    public static InputStream bytes(Path file, String compression) throws IOException {
        InputStream in = new BufferedInputStream(Download.open(file), BUFFER);
        boolean gzip = switch (compression) {
            case "gzip" -> true;
            case "none" -> false;
            default -> isGzip(file);
        };
        return gzip ? new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER) : in;
    }

    public static Reader reader(Path file, String compression, String encoding) throws IOException {
        Reader reader = new InputStreamReader(bytes(file, compression), Charset.forName(encoding).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        PushbackReader pushback = new PushbackReader(reader, 1);
        int first = pushback.read();
        if (first >= 0 && first != '\uFEFF') {
            pushback.unread(first);
        }
        return pushback;
    }

    /**
     * Where the first bytes that are not valid in {@code encoding} are, as "line N, byte M" (M counted from the start of
     * the decompressed text); read again from the file only when decoding failed.
     */
    public static String locateInvalid(Path file, String compression, String encoding) {
        java.nio.charset.CharsetDecoder decoder = Charset.forName(encoding).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = bytes(file, compression)) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(BUFFER);
            java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(BUFFER);
            long line = 1;
            long offset = 0;
            boolean eof = false;
            while (!eof) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
                while (true) {
                    int before = bytes.position();
                    java.nio.charset.CoderResult result = decoder.decode(bytes, chars, eof);
                    chars.flip();
                    while (chars.hasRemaining()) {
                        if (chars.get() == '\n') {
                            line++;
                        }
                    }
                    chars.clear();
                    offset += bytes.position() - before;
                    if (result.isError()) {
                        return "line " + line + ", byte " + (offset + 1);
                    }
                    if (result.isUnderflow()) {
                        break;
                    }
                }
                bytes.compact();
            }
            return "an unknown position";
        } catch (IOException e) {
            return "an unknown position";
        }
    }

    /** Whether {@code e} (or a cause) is a decoding error: bytes that are not valid in the encoding. */
    public static boolean isDecodingError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }
}
