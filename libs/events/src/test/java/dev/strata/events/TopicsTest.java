package dev.strata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TopicsTest {

    static Stream<Class<?>> eventTypes() {
        return Stream.of(StrataEvent.class.getPermittedSubclasses());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void everyEventTypeHasATopic(Class<? extends StrataEvent> eventClass) {
        String topic = Topics.forEventType(eventClass);

        assertTrue(Topics.all().contains(topic), () -> eventClass.getSimpleName() + " maps to unknown topic " + topic);
    }

    @Test
    void routesEachEventToItsTopic() {
        Map<Class<? extends StrataEvent>, String> expected = Map.ofEntries(
                Map.entry(DatasetUpdated.class, "strata.events.dataset"),
                Map.entry(IngestRequested.class, "strata.tasks.ingest"),
                Map.entry(TransformRequested.class, "strata.tasks.transform"),
                Map.entry(TaskStarted.class, "strata.events.task"),
                Map.entry(TaskHeartbeated.class, "strata.events.task"),
                Map.entry(TaskSucceeded.class, "strata.events.task"),
                Map.entry(TaskFailed.class, "strata.events.task"),
                Map.entry(RunStarted.class, "strata.events.run"),
                Map.entry(RunSucceeded.class, "strata.events.run"),
                Map.entry(RunFailed.class, "strata.events.run"),
                Map.entry(QualityTestFailed.class, "strata.events.quality"),
                Map.entry(FreshnessBreached.class, "strata.events.quality"),
                Map.entry(RunSlaMissed.class, "strata.events.run"),
                Map.entry(RunTransitioned.class, "strata.events.run"),
                Map.entry(NotificationRequested.class, "strata.events.run"),
                Map.entry(AuditRecorded.class, "strata.events.audit"),
                Map.entry(TaskLogged.class, "strata.events.tasklog"));

        expected.forEach((eventClass, topic) -> assertEquals(topic,
                Topics.forEvent(Samples.of(eventClass).orElseThrow().data()), eventClass.getSimpleName()));
    }

    @Test
    void allListsEachTopicOnceAndEveryTopicIsUsed() {
        List<String> all = Topics.all();
        Set<String> used = eventTypes().map(c -> Topics.forEventType(c.asSubclass(StrataEvent.class)))
                .collect(Collectors.toSet());

        assertEquals(List.of("strata.tasks.ingest", "strata.tasks.transform", "strata.events.task",
                "strata.events.run", "strata.events.dataset", "strata.events.quality", "strata.events.audit",
                "strata.events.tasklog"), all);
        assertEquals(Set.copyOf(all), used);
    }
}
