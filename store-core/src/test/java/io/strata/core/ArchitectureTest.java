package io.strata.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package rules of STYLE.md §2.1–2.2 for store-core. */
class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.strata.core");

  @Test
  void onlyTheRocksBackendImportsRocksDb() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.strata.core.backend.rocksdb..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.rocksdb..")
        .check(CORE);
  }

  @Test
  void coreKnowsNothingOfWireRaftOrClient() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.grpc..",
            "com.google.protobuf..",
            "org.apache.ratis..",
            "io.strata.client..",
            "io.strata.server..",
            "io.strata.api..")
        .check(CORE);
  }

  @Test
  void engineUsesTheBackendContractNotAnImplementation() {
    noClasses()
        .that()
        .resideInAnyPackage("io.strata.core.mvcc..", "io.strata.core.schema..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.strata.core.backend.rocksdb..", "io.strata.core.backend.memory..")
        .check(CORE);
  }

  @Test
  void valueTypesDependOnNoEngineInternals() {
    noClasses()
        .that()
        .resideInAPackage("io.strata.core.kv..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.strata.core.mvcc..", "io.strata.core.backend..", "io.strata.core.schema..")
        .check(CORE);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.strata.core.(*)..").should().beFreeOfCycles().check(CORE);
  }
}
