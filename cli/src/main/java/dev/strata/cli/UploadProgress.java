package dev.strata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * An input stream that reports how much of it was read: bytes, rate and time left, on one line redrawn in place on a
 * terminal (every 200 ms), or a plain line every 10 % when piped.
 */
final class UploadProgress extends InputStream {

    private final InputStream in;
    private final long total;
    private final PrintWriter err;
    private final boolean live;
    private final long startNanos = System.nanoTime();
    private long read;
    private long lastDrawNanos;
    private int lastDecile = -1;

    UploadProgress(InputStream in, long total, PrintWriter err, boolean live) {
        this.in = in;
        this.total = total;
        this.err = err;
        this.live = live;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void advance(long n) {
        read += n;
        long now = System.nanoTime();
        int decile = total > 0 ? (int) (read * 10 / total) : 0;
        if (live && (now - lastDrawNanos > 200_000_000L || read == total)) {
            lastDrawNanos = now;
            err.print("\r\033[K" + line(read, total, now - startNanos));
            if (read == total) {
                err.println();
            }
            err.flush();
        } else if (!live && decile != lastDecile) {
            lastDecile = decile;
            err.println(line(read, total, now - startNanos));
            err.flush();
        }
    }

    /** {@code 412.0 MB / 1.0 GB (40%)  95.3 MB/s  6s left}. */
    static String line(long done, long total, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        double rate = done / seconds;
        String percent = total > 0 ? String.format(Locale.ROOT, " (%d%%)", done * 100 / total) : "";
        String left = total > 0 && rate > 0 && done < total
                ? String.format(Locale.ROOT, "  %ds left", (long) Math.ceil((total - done) / rate))
                : "";
        return bytes(done) + " / " + bytes(total) + percent + "  " + bytes((long) rate) + "/s" + left;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
