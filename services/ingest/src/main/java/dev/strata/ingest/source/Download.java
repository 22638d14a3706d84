package dev.strata.ingest.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.strata.ingest.load.LoadException;

/**
 * A source body being written to its spool file while the load already reads it: parsing and COPY start with the
 * first bytes instead of after the last. Readers ({@link #open(Path)}) follow the file as it grows and see the end only
 * when the download ended; a download that fails makes every reader fail with its error (so the load fails and nothing
 * becomes visible). The raw copy to the lake waits for the whole file ({@link #awaitSize()}).
 */
public final class Download {

    private static final Map<Path, Download> ACTIVE = new ConcurrentHashMap<>();
    private static final int CHUNK = 1 << 16;

    private final Path path;
    private final InputStream body;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grown = lock.newCondition();
    private long written;
    private boolean ended;
    private RuntimeException failure;

    private Download(Path path, InputStream body) {
        this.path = path;
        this.body = body;
    }

    /**
     * Starts copying {@code body} to {@code path} on a thread of its own, stopping with a failure past {@code maxBytes}.
     */
    static Download start(InputStream body, Path path, long maxBytes, String where) throws IOException {
        OutputStream out = Files.newOutputStream(path); // there before anyone follows it
        Download download = new Download(path, body);
        ACTIVE.put(path, download);
        Thread thread = new Thread(() -> download.copy(out, maxBytes, where), "ingest-download");
        thread.setDaemon(true);
        thread.start();
        return download;
    }

    /** Opens a spooled file: following it while its download runs, else as the plain file it is. */
    public static InputStream open(Path path) throws IOException {
        Download download = ACTIVE.get(path);
        return download == null ? Files.newInputStream(path) : download.follow();
    }

    private void copy(OutputStream file, long maxBytes, String where) {
        RuntimeException failed = null;
        try (InputStream in = body;
                SourceFetcher.CountingOutputStream out = new SourceFetcher.CountingOutputStream(file, maxBytes,
                        where)) {
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n); // unbuffered: in the file for readers when this returns
                advance(out.count);
            }
        } catch (LoadException e) {
            failed = e;
        } catch (IOException | RuntimeException e) {
            failed = LoadException.unavailable("reading " + where + " failed: " + e.getMessage(), e);
        }
        lock.lock();
        try {
            ended = true;
            failure = failed;
            grown.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void advance(long total) {
        lock.lock();
        try {
            written = total;
            grown.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until more than {@code position} bytes are there (true) or the download ended before (false). */
    private boolean awaitBeyond(long position) throws InterruptedIOException {
        lock.lock();
        try {
            while (written <= position && !ended) {
                grown.await();
            }
            if (written > position) {
                return true;
            }
            if (failure != null) {
                throw failure;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the download of " + path.getFileName());
        } finally {
            lock.unlock();
        }
    }

    private long writtenSoFar() {
        lock.lock();
        try {
            return written;
        } finally {
            lock.unlock();
        }
    }

    /** The whole file's size, once the download ended; its failure if it failed. */
    public long awaitSize() {
        lock.lock();
        try {
            while (!ended) {
                grown.await();
            }
            if (failure != null) {
                throw failure;
            }
            return written;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LoadException.unavailable("interrupted while waiting for the download of " + path.getFileName(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the download ended without a single byte (waits for the first byte or the end). */
    public boolean isEmpty() {
        try {
            return !awaitBeyond(0);
        } catch (InterruptedIOException e) {
            throw LoadException.unavailable(e.getMessage(), e);
        }
    }

    /** Stops the download (the load is over) and forgets it. */
    public void cancel() {
        ACTIVE.remove(path, this);
        try {
            body.close();
        } catch (IOException e) {
            // it is being abandoned
        }
    }

    private InputStream follow() throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        return new InputStream() {
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!awaitBeyond(position)) {
                    return -1;
                }
                int want = (int) Math.min(len, writtenSoFar() - position);
                int n = channel.read(ByteBuffer.wrap(b, off, want), position);
                if (n > 0) {
                    position += n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
