package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ServicesTest {

    @Test
    void blankMeansAllSevenInTheirOrder() {
        assertEquals(List.of("gateway", "auth", "registry", "ingest", "transform", "scheduler", "notifier"),
                Services.select(null));
        assertEquals(Services.ALL, Services.select(" "));
        assertEquals(Services.ALL, Services.select(","));
    }

    @Test
    void aListIsKeptInTheStandardOrderWithoutDuplicates() {
        assertEquals(List.of("auth", "registry"), Services.select("registry, AUTH,registry"));
    }

    @Test
    void anUnknownNameIsRefused() {
        StrataException e = assertThrows(StrataException.class, () -> Services.select("registry,regsitry"));
        assertEquals("unknown service 'regsitry' in STRATA_SERVICES: use any of gateway, auth, registry, ingest,"
                + " transform, scheduler, notifier", e.getMessage());
    }

    @Test
    void serviceJvmFlagsComeFromTheEnvironmentOrTheDefaults() {
        assertEquals(ServiceProcess.DEFAULT_JAVA_OPTS, ServiceProcess.javaOpts(null));
        assertEquals(ServiceProcess.DEFAULT_JAVA_OPTS, ServiceProcess.javaOpts("  "));
        assertEquals(List.of("-Xmx256m", "-XX:+UseG1GC"), ServiceProcess.javaOpts(" -Xmx256m   -XX:+UseG1GC "));
    }

    @Test
    void anExitValueIsSaidInPlainWords() {
        assertEquals(" (killed by signal 9)", Platform.exitReason(137));
        assertEquals(" (killed by signal 15)", Platform.exitReason(143));
        assertEquals(" (exit code 1)", Platform.exitReason(1));
    }
}
