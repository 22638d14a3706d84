package dev.strata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventTypesTest {

    static Stream<Class<?>> eventTypes() {
        return Stream.of(StrataEvent.class.getPermittedSubclasses());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void typeIsNamedByTheConvention(Class<? extends StrataEvent> eventClass) {
        String type = EventTypes.typeOf(eventClass);

        assertTrue(type.matches("dev\\.strata(\\.[a-z]+)+\\.v[1-9][0-9]*"), type);
        assertTrue(type.matches(".*\\.[a-z]+ed\\.v[0-9]+"), () -> type + " does not end in a past-tense verb");
        assertEquals(Optional.of(eventClass), EventTypes.classOf(type));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventTypes")
    void instancesReportTheirRecordsType(Class<? extends StrataEvent> eventClass) {
        StrataEvent sample = Samples.of(eventClass)
                .orElseThrow(() -> new AssertionError("no sample for " + eventClass.getSimpleName()))
                .data();

        assertEquals(EventTypes.typeOf(eventClass), sample.eventType());
    }

    @Test
    void registryHoldsEveryPermittedRecordUnderADistinctType() {
        Set<Class<?>> permitted = Arrays.stream(StrataEvent.class.getPermittedSubclasses()).collect(Collectors.toSet());

        assertEquals(permitted, Set.copyOf(EventTypes.classes()));
        assertEquals(permitted.size(), EventTypes.all().size());
        assertEquals(Optional.empty(), EventTypes.classOf("dev.strata.dataset.deleted.v1"));
    }
}
