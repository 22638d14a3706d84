package dev.strata.registry;

import java.util.List;

import org.junit.jupiter.api.Order;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.SecuredServiceContractTest;

@QuarkusTest
// last of the classes sharing the stack: it stops and restarts Postgres
@Order(Integer.MAX_VALUE)
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class RegistryServiceTest extends SecuredServiceContractTest {

    @Override
    protected String schema() {
        return "registry";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Database connections health check", "Kafka connection health check", "S3 lake");
    }
}
