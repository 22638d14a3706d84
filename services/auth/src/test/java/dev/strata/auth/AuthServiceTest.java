package dev.strata.auth;

import java.util.List;
import java.util.Optional;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.auth.testing.AuthTestStack;
import dev.strata.devstack.quarkus.ServiceContractTest;

@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class AuthServiceTest extends ServiceContractTest {

    @Override
    protected String schema() {
        return "auth";
    }

    @Override
    protected List<String> readinessChecks() {
        return List.of("Database connections health check", "Kafka connection health check");
    }

    @Override
    protected Optional<String> securedApiPath() {
        return Optional.of("/api/v1/namespaces");
    }
}
