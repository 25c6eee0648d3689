package dev.baozi.orchestrator;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's packages form a graph without cycles: features depend on lower features and
 * on {@code web}; only {@code app} (and the root package, which wires everything) sees them all.
 */
class PackageGraphTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.baozi.orchestrator");
    }

    @Test
    void no_package_depends_on_itself_through_other_packages() {
        slices().matching("dev.baozi.orchestrator.(*)..").should().beFreeOfCycles().check(production);
    }

    @Test
    void the_web_vocabulary_depends_on_no_feature() {
        noClasses().that().resideInAPackage("dev.baozi.orchestrator.web..")
                .should().dependOnClassesThat(resideInAPackage("dev.baozi.orchestrator..")
                        .and(not(resideInAPackage("dev.baozi.orchestrator.web.."))))
                .check(production);
    }
}
