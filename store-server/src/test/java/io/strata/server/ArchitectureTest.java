package io.strata.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package rules of STYLE.md §2.2 for store-server. */
class ArchitectureTest {
  private static final JavaClasses SERVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.strata.server");

  @Test
  void onlyTheRaftPackageImportsRatis() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.strata.server.raft..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.ratis..")
        .check(SERVER);
  }

  @Test
  void onlyTheGrpcPackageImportsGrpc() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.strata.server.grpc..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.grpc..")
        .check(SERVER);
  }

  @Test
  void rocksDbStaysInsideTheEngine() {
    noClasses().should().dependOnClassesThat().resideInAPackage("org.rocksdb..").check(SERVER);
  }

  @Test
  void applyAndRaftDoNotKnowTheGrpcLayer() {
    noClasses()
        .that()
        .resideInAnyPackage("io.strata.server.apply..", "io.strata.server.raft..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.strata.server.grpc..")
        .check(SERVER);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.strata.server.(*)..").should().beFreeOfCycles().check(SERVER);
  }
}
