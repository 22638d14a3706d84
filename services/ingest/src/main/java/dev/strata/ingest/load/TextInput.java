package dev.strata.ingest.load;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
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

import com.google.common.io.CountingInputStream;

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

    /**
     * Bounds on what a compressed source unpacks to, checked while it is read.
     *
     * @param maxBytes decompressed bytes at most
     * @param maxRatio decompressed bytes per compressed byte at most, checked once more than {@link #RATIO_GRACE}
     *                 bytes came out (small files may compress well)
     */
    public record Limits(long maxBytes, int maxRatio) {

        /** Decompressed bytes before the ratio is checked. */
        public static final long RATIO_GRACE = 1 << 20;

        /** The defaults of {@code strata.ingest.max-decompressed-bytes} and {@code max-decompression-ratio}. */
        public static final Limits DEFAULTS = new Limits(21_474_836_480L, 100);
    }

    public static InputStream bytes(Path file, String compression) throws IOException {
        return bytes(file, compression, Limits.DEFAULTS, file.getFileName().toString());
    }

    /** The file's bytes, gunzipped when it is compressed, within {@code limits} ({@code name} for the message). */
    public static InputStream bytes(Path file, String compression, Limits limits, String name) throws IOException {
        CountingInputStream compressed = new CountingInputStream(Download.open(file));
        InputStream in = new BufferedInputStream(compressed, BUFFER);
        boolean gzip = switch (compression) {
            case "gzip" -> true;
            case "none" -> false;
            default -> isGzip(file);
        };
        return gzip
                ? new BufferedInputStream(new Bounded(new GZIPInputStream(in, BUFFER), compressed, limits, name),
                        BUFFER)
                : in;
    }

    public static Reader reader(Path file, String compression, String encoding) throws IOException {
        return reader(file, compression, encoding, Limits.DEFAULTS, file.getFileName().toString());
    }

    public static Reader reader(Path file, String compression, String encoding, Limits limits, String name)
            throws IOException {
        Reader reader = new InputStreamReader(bytes(file, compression, limits, name), Charset.forName(encoding)
                .newDecoder()
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

    /**
     * The decompressed side: fails the load (not retryable, so nothing is written) once it has put out more bytes, or
     * more bytes per compressed byte, than the limits allow.
     */
    private static final class Bounded extends FilterInputStream {
        private final CountingInputStream compressed;
        private final Limits limits;
        private final String name;
        private long count;

        Bounded(InputStream in, CountingInputStream compressed, Limits limits, String name) {
            super(in);
            this.compressed = compressed;
            this.limits = limits;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > limits.maxBytes()) {
                    throw LoadException.input(name + ": decompresses to more than " + limits.maxBytes() + " bytes"
                            + " (strata.ingest.max-decompressed-bytes); nothing was loaded");
                }
                if (count > Limits.RATIO_GRACE && count > (double) limits.maxRatio() * compressed.getCount()) {
                    throw LoadException.input(name + ": decompresses to more than " + limits.maxRatio() + " times its"
                            + " compressed size (" + count + " bytes out of " + compressed.getCount() + ")"
                            + " (strata.ingest.max-decompression-ratio); nothing was loaded");
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            int want = (int) Math.min(Math.max(n, 0), BUFFER);
            return Math.max(0, read(new byte[want], 0, want));
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
