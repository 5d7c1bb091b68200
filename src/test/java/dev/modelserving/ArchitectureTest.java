package dev.modelserving;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.scheduler.Scheduled;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

/**
 * The package graph is a tree: features use the shared packages, never the other way round, no two packages use each
 * other, and only the composition root (this package) knows every feature.
 */
// Plain JUnit tests over ArchUnit's core: its own test engine is not discovered beside the JUnit 6 of Quarkus.
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.modelserving");

    private static final String[] FEATURES = {"dev.modelserving.user..", "dev.modelserving.security..",
            "dev.modelserving.order..", "dev.modelserving.task..", "dev.modelserving.model..",
            "dev.modelserving.inference..", "dev.modelserving.v2..", "dev.modelserving.predictionlog..",
            "dev.modelserving.cli.."};

    private static final ArchRule PACKAGES_FORM_NO_CYCLES = slices().matching("dev.modelserving.(*)..").should()
            .beFreeOfCycles();

    private static final ArchRule SHARED_PACKAGES_KNOW_NO_FEATURE = noClasses().that()
            .resideInAnyPackage("dev.modelserving.problem..", "dev.modelserving.store..", "dev.modelserving.web..")
            .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
            .because("problem, store and web serve every feature and must not depend on one");

    private static final ArchRule ONLY_THE_ROOT_KNOWS_THE_ROOT = noClasses().that()
            .resideOutsideOfPackage("dev.modelserving")
            .should().dependOnClassesThat().resideInAPackage("dev.modelserving")
            .because("the root package is the composition root: it knows the features, they do not know it");

    private static final ArchRule RESOURCES_USE_NO_STORE_IMPLEMENTATION = noClasses().that()
            .areAnnotatedWith(Path.class)
            .should().dependOnClassesThat().haveSimpleNameStartingWith("Pg")
            .orShould().dependOnClassesThat().haveSimpleNameStartingWith("InMemory")
            .because("resources delegate to services; which store serves is decided at the composition root");

    private static final ArchRule RESOURCES_ARE_READABLE_IN_A_NATIVE_IMAGE = classes().that()
            .areAnnotatedWith(Path.class)
            .should().beAnnotatedWith(RegisterForReflection.class)
            .because("AllowedMethods reads their JAX-RS annotations to answer 405 with an Allow header");

    private static final ArchRule SCHEDULED_JOBS_STOP_WITH_THE_APPLICATION = methods().that()
            .areAnnotatedWith(Scheduled.class)
            .should().beAnnotatedWith(DescribedPredicate.describe(
                    "@Scheduled(skipExecutionIf = Scheduled.ApplicationNotRunning.class)",
                    (JavaAnnotation<?> annotation) -> annotation.getRawType().isEquivalentTo(Scheduled.class)
                            && annotation.as(Scheduled.class)
                                    .skipExecutionIf() == Scheduled.ApplicationNotRunning.class))
            .because("a run that fires during shutdown reaches a bean whose container is gone and logs an error "
                    + "(seen with the prediction log's flush)");

    @Test
    void packagesFormNoCycles() {
        PACKAGES_FORM_NO_CYCLES.check(MAIN);
    }

    @Test
    void sharedPackagesKnowNoFeature() {
        SHARED_PACKAGES_KNOW_NO_FEATURE.check(MAIN);
    }

    @Test
    void onlyTheRootKnowsTheRoot() {
        ONLY_THE_ROOT_KNOWS_THE_ROOT.check(MAIN);
    }

    @Test
    void resourcesUseNoStoreImplementation() {
        RESOURCES_USE_NO_STORE_IMPLEMENTATION.check(MAIN);
    }

    @Test
    void resourcesAreReadableInANativeImage() {
        RESOURCES_ARE_READABLE_IN_A_NATIVE_IMAGE.check(MAIN);
    }

    @Test
    void scheduledJobsStopWithTheApplication() {
        SCHEDULED_JOBS_STOP_WITH_THE_APPLICATION.check(MAIN);
    }
}
