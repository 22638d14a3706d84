package dev.strata.scheduler.run;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who on this replica wants to know at once that a run's transitions were committed (the live run-event streams): the
 * {@link RunEngine} tells them right after the commit, so a stream need not wait for its next poll. Transitions
 * committed by another replica are not announced here; the streams' poll finds those.
 */
@ApplicationScoped
public class RunChanges {

    private final ConcurrentHashMap<UUID, Set<Runnable>> listeners = new ConcurrentHashMap<>();

    /** Calls {@code listener} (on the committing thread: it must only hand the work off) after each change of the run. */
    public void listen(UUID runId, Runnable listener) {
        listeners.computeIfAbsent(runId, id -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    public void forget(UUID runId, Runnable listener) {
        listeners.computeIfPresent(runId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    void committed(Set<UUID> runIds) {
        for (UUID runId : runIds) {
            Set<Runnable> set = listeners.get(runId);
            if (set != null) {
                set.forEach(Runnable::run);
            }
        }
    }
}
