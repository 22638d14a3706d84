package dev.strata.cli;

import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Flow;

/**
 * The progress of an upload: bytes, rate and time left, on one line redrawn in place on a terminal (every 200 ms), or a
 * plain line every 10 % when piped. {@link #ofFile} sends a file with the JDK's own file publisher (read in large
 * chunks from a file channel, never whole in memory) and counts what it hands to the connection.
 */
final class UploadProgress {

    private final long total;
    private final PrintWriter err;
    private final boolean live;
    private final long startNanos = System.nanoTime();
    private long read;
    private long lastDrawNanos;
    private int lastDecile = -1;

    UploadProgress(long total, PrintWriter err, boolean live) {
        this.total = total;
        this.err = err;
        this.live = live;
    }

    /** The file as a request body of known length, with its progress on {@code err}. */
    static HttpRequest.BodyPublisher ofFile(Path file, PrintWriter err, boolean live) throws FileNotFoundException {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofFile(file);
        UploadProgress progress = new UploadProgress(body.contentLength(), err, live);
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return body.contentLength();
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                body.subscribe(new Flow.Subscriber<ByteBuffer>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscriber.onSubscribe(subscription);
                    }

                    @Override
                    public void onNext(ByteBuffer item) {
                        progress.advance(item.remaining());
                        subscriber.onNext(item);
                    }

                    @Override
                    public void onError(Throwable throwable) {
                        subscriber.onError(throwable);
                    }

                    @Override
                    public void onComplete() {
                        subscriber.onComplete();
                    }
                });
            }
        };
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
