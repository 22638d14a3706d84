package dev.strata.notifier;

import java.util.List;

import org.junit.jupiter.api.Order;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.SecuredServiceContractTest;
import dev.strata.notifier.testing.ReceiversResource;

@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
@WithTestResource(ReceiversResource.class)
@Order(100) // last: it stops Postgres for a while
class NotifierServiceTest extends SecuredServiceContractTest {

    @Override
    protected String schema() {
        return "notifier";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Database connections health check", "Kafka connection health check");
    }
}
