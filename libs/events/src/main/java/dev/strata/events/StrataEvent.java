package dev.strata.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A Strata event: the {@code data} of an {@link EventEnvelope}.
 * <p>
 * Every implementation is a record in this package that declares its CloudEvents type as a constant
 * {@code public static final String TYPE}, named {@code dev.strata.<domain>[.<noun>].<past-tense verb>.v<major>}.
 * The set of event types is exactly the set of permitted subclasses below: {@link EventTypes} derives the registry
 * used by {@link EventCodec} from it, so adding an event is adding a record here (plus its topic in {@link Topics} and
 * its golden file, which the tests demand).
 * <p>
 * A breaking change to an event's fields is a new record with the next major version ({@code .v2}), published next to
 * the old one until every consumer has moved; adding an optional field is not breaking (the codec ignores unknown
 * properties).
 */
public sealed interface StrataEvent permits DatasetUpdated, IngestRequested, TransformRequested, TaskStarted,
        TaskHeartbeated, TaskSucceeded, TaskFailed, RunStarted, RunSucceeded, RunFailed, QualityTestFailed,
        FreshnessBreached, RunSlaMissed, RunTransitioned, NotificationRequested, AuditRecorded, TaskLogged {

    /** The CloudEvents {@code type} of this event, the value of its record's {@code TYPE} constant. */
    @JsonIgnore
    default String eventType() {
        return EventTypes.typeOf(getClass());
    }
}
