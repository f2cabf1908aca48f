package io.keyplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.Arrays;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.persistence.Entity;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import io.quarkus.security.Authenticated;
import io.quarkus.security.PermissionsAllowed;

/**
 * The house plan (README "Map of the code"), pinned so a later change cannot quietly add a cycle: each package
 * imports only the ones below it (the core rooms common, changes, ratelimit, usage, key and auth, then the
 * features), endpoints declare what they need, and entities stay in their room.
 */
class ArchitectureTest {

    /** Bottom first. A package may depend on those before it, never on those after it. */
    static final List<String> LAYERS = List.of("common", "changes", "ratelimit", "usage", "key", "auth", "audit", "scope",
            "serviceaccount", "apikey", "workspace", "verify", "gateway", "webhook", "console");

    static final JavaClasses APP = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.keyplane");

    @Test
    void everyPackageDependsOnlyOnThePackagesBelowIt() {
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            var above = LAYERS.subList(i + 1, LAYERS.size()).stream().map(p -> "io.keyplane." + p + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("io.keyplane." + LAYERS.get(i) + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(above)
                    .because(LAYERS.get(i) + " sits below " + Arrays.toString(above))
                    .check(APP);
        }
    }

    /** Outside the house: the first-run build's embedded PostgreSQL (src/dev, only with -Ddev). */
    static final String DEV = "io.keyplane.dev..";

    @Test
    void everyClassLivesInALayerOrInTheDevBuild() {
        var places = new java.util.ArrayList<>(LAYERS.stream().map(p -> "io.keyplane." + p + "..").toList());
        places.add(DEV);
        classes().should().resideInAnyPackage(places.toArray(String[]::new)).check(APP);
    }

    @Test
    void theAppNeverDependsOnDevTooling() {
        noClasses().that().resideOutsideOfPackage(DEV).should().dependOnClassesThat().resideInAPackage(DEV).check(APP);
    }

    @Test
    void everyEndpointDeclaresWhatItNeeds() {
        methods().that(areEndpoints()).should(declareASecurityRequirement()).check(APP);
    }

    @Test
    void entitiesNeverLeaveTheirFeature() {
        for (var layer : LAYERS) {
            noClasses().that().resideOutsideOfPackage("io.keyplane." + layer + "..")
                    .should().dependOnClassesThat(DescribedPredicate.and(
                            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("io.keyplane." + layer + ".."),
                            DescribedPredicate.describe("entities", c -> c.isAnnotatedWith(Entity.class))))
                    .check(APP);
        }
    }

    private static DescribedPredicate<JavaMethod> areEndpoints() {
        return DescribedPredicate.describe("REST endpoints", m -> List.of(GET.class, POST.class, PUT.class, PATCH.class,
                DELETE.class).stream().anyMatch(m::isAnnotatedWith));
    }

    private static ArchCondition<JavaMethod> declareASecurityRequirement() {
        return new ArchCondition<>("declare @PermissionsAllowed, @Authenticated or @PermitAll") {
            @Override
            public void check(JavaMethod method, ConditionEvents events) {
                boolean declared = List.of(PermissionsAllowed.class, Authenticated.class, PermitAll.class).stream()
                        .anyMatch(a -> method.isAnnotatedWith(a) || method.getOwner().isAnnotatedWith(a));
                events.add(new SimpleConditionEvent(method, declared, method.getFullName() + (declared ? " declares"
                        : " declares no security requirement")));
            }
        };
    }
}
