package io.strata.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package rules of STYLE.md §2.1–2.2 for store-client. */
class ArchitectureTest {
  private static final JavaClasses CLIENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.strata.client", "io.strata.api");

  @Test
  void clientKnowsNothingOfCoreServerRatisOrRocksDb() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.strata.core..", "io.strata.server..", "org.apache.ratis..", "org.rocksdb..")
        .check(CLIENT);
  }

  @Test
  void libraryDoesNotDependOnTheCli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.strata.client.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.strata.client.cli..")
        .check(CLIENT);
  }

  @Test
  void onlyTheCliUsesPicocli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.strata.client.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .check(CLIENT);
  }

  /**
   * The public package reaches the implementation only through its factory (the OkHttp {@code
   * internal} rule): {@code ClientBuilder} calls {@code GrpcClient.create} with {@code
   * ClientSettings}, nothing else.
   */
  @Test
  void publicPackageUsesInternalsOnlyThroughTheFactory() {
    noClasses()
        .that()
        .resideInAPackage("io.strata.client")
        .should()
        .dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "internal classes other than GrpcClient and ClientSettings",
                c ->
                    c.getPackageName().equals("io.strata.client.internal")
                        && !c.getSimpleName().equals("GrpcClient")
                        && !c.getSimpleName().equals("ClientSettings")))
        .check(CLIENT);
  }

  @Test
  void generatedApiDependsOnNoHandWrittenCode() {
    noClasses()
        .that()
        .resideInAPackage("io.strata.api..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.strata.client..")
        .check(CLIENT);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.strata.client.(*)..").should().beFreeOfCycles().check(CLIENT);
  }
}
