package dev.baozi.vars;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The vars backend's packages form a graph without cycles. */
class PackageGraphTest {

    @Test
    void no_package_depends_on_itself_through_other_packages() {
        var production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.baozi.vars");
        slices().matching("dev.baozi.vars.(*)..").should().beFreeOfCycles().check(production);
    }
}
