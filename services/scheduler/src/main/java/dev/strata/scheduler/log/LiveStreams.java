package dev.strata.scheduler.log;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.scheduler.config.SchedulerConfig;
import dev.strata.scheduler.run.RunChanges;
import dev.strata.web.ProblemException;

/**
 * The live server-sent-event streams of this replica (task logs, run events): each polls the database every
 * {@code strata.scheduler.logs.stream-poll-interval} for what is new, on two shared threads (so it works whichever
 * replica consumed the lines or committed the transitions), and at once when this replica commits a transition of its
 * run ({@link RunChanges}); it sends a keep-alive comment every 15 s, and ends itself. At most
 * {@code strata.scheduler.logs.max-streams} at once. Also purges log lines past their retention.
 */
@ApplicationScoped
public class LiveStreams {

    private static final Logger LOG = Logger.getLogger(LiveStreams.class);
    private static final long KEEP_ALIVE_NANOS = Duration.ofSeconds(15).toNanos();
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private final SchedulerConfig config;
    private final TaskLogStore store;
    private final RunChanges changes;
    private final AtomicInteger open = new AtomicInteger();
    private ScheduledExecutorService timer;

    LiveStreams(SchedulerConfig config, TaskLogStore store, RunChanges changes) {
        this.config = config;
        this.store = store;
        this.changes = changes;
    }

    /** One poll of a stream: sends what is new through {@code out}; answers false when the stream is over. */
    public interface Poll {
        boolean next(Out out);
    }

    /** Sends events on a stream. */
    public static final class Out {
        private final SseEventSink sink;
        private final Sse sse;
        private boolean sent;

        Out(SseEventSink sink, Sse sse) {
            this.sink = sink;
            this.sse = sse;
        }

        public void send(String id, String name, Object data) {
            String json;
            try {
                json = JSON.writeValueAsString(data);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            var builder = sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE).data(json);
            if (id != null) {
                builder.id(id);
            }
            sink.send(builder.build());
            sent = true;
        }
    }

    void onStart(@Observes StartupEvent event) {
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "scheduler-live-streams");
            t.setDaemon(true);
            return t;
        });
        long purge = config.logs().purgeInterval().toMillis();
        timer.scheduleWithFixedDelay(this::purge, purge, purge, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Refuses a stream over the limit; call before the stream is opened. */
    public void reserve() {
        if (open.incrementAndGet() > config.logs().maxStreams()) {
            open.decrementAndGet();
            throw new ProblemException(Status.SERVICE_UNAVAILABLE, "too-many-streams", "this scheduler serves "
                    + config.logs().maxStreams() + " live streams already; read the lines with the non-streaming "
                    + "endpoint or try again later");
        }
    }

    /** Runs {@code poll} now and then every poll interval until it answers false or the client goes away. */
    public void start(SseEventSink sink, Sse sse, Poll poll) {
        start(null, sink, sse, poll);
    }

    /**
     * As {@link #start(SseEventSink, Sse, Poll)}, and also right after this replica commits a transition of run
     * {@code runId} (the poll still finds those committed by other replicas).
     */
    public void start(UUID runId, SseEventSink sink, Sse sse, Poll poll) {
        Stream stream = new Stream(runId, sink, new Out(sink, sse), sse, poll);
        if (runId != null) {
            changes.listen(runId, stream.waker);
        }
        long every = config.logs().streamPollInterval().toMillis();
        ScheduledFuture<?> future = timer.scheduleWithFixedDelay(stream::tick, 0, every, TimeUnit.MILLISECONDS);
        synchronized (stream) {
            stream.future = future;
            if (stream.done) {
                future.cancel(false);
            }
        }
    }

    /** One open stream; its polls never overlap, whether timed or woken. */
    private final class Stream {
        private final UUID runId;
        private final SseEventSink sink;
        private final Out out;
        private final Sse sse;
        private final Poll poll;
        private final AtomicBoolean woken = new AtomicBoolean();
        private final Runnable waker = this::wake;
        private long lastSent = System.nanoTime();
        private boolean done;
        private ScheduledFuture<?> future;

        Stream(UUID runId, SseEventSink sink, Out out, Sse sse, Poll poll) {
            this.runId = runId;
            this.sink = sink;
            this.out = out;
            this.sse = sse;
            this.poll = poll;
        }

        /** Called on the committing thread: one extra poll on the streams' threads (several wakes make one). */
        void wake() {
            if (woken.compareAndSet(false, true)) {
                try {
                    timer.execute(() -> {
                        woken.set(false);
                        tick();
                    });
                } catch (RejectedExecutionException e) {
                    woken.set(false); // shutting down
                }
            }
        }

        synchronized void tick() {
            if (done) {
                return;
            }
            boolean more;
            try {
                if (sink.isClosed()) {
                    more = false;
                } else {
                    out.sent = false;
                    more = poll.next(out);
                    if (out.sent) {
                        lastSent = System.nanoTime();
                    } else if (more && System.nanoTime() - lastSent > KEEP_ALIVE_NANOS) {
                        sink.send(sse.newEventBuilder().comment("keep-alive").build());
                        lastSent = System.nanoTime();
                    }
                }
            } catch (RuntimeException e) {
                LOG.debugf("a live stream ended: %s", e.getMessage());
                more = false;
            }
            if (!more) {
                done = true;
                if (future != null) {
                    future.cancel(false);
                }
                if (runId != null) {
                    changes.forget(runId, waker);
                }
                open.decrementAndGet();
                sink.close();
            }
        }
    }

    /** The grace after a task run or run ended during which a stream still looks for late lines. */
    public Duration endGrace() {
        return config.logs().streamEndGrace();
    }

    private void purge() {
        try {
            int deleted = store.purge(config.logs().retention());
            if (deleted > 0) {
                LOG.infof("deleted %d task log lines older than %s", deleted, config.logs().retention());
            }
        } catch (RuntimeException e) {
            LOG.warnf("purging task logs failed: %s", e.getMessage());
        }
    }

}
