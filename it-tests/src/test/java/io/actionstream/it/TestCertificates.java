package io.actionstream.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for a TLS test, made with the JDK's own {@code keytool}: a broker key
 * pair valid for 127.0.0.1 and localhost, a client key pair, and a trust store on each side
 * holding the other side's certificate. PKCS12 files, one password for all.
 */
final class TestCertificates {

  static final String PASSWORD = "it-secret";

  final Path brokerKeystore;
  final Path brokerTruststore;
  final Path clientKeystore;
  final Path clientTruststore;

  private TestCertificates(Path dir) {
    brokerKeystore = dir.resolve("broker.p12");
    brokerTruststore = dir.resolve("broker-trust.p12");
    clientKeystore = dir.resolve("client.p12");
    clientTruststore = dir.resolve("client-trust.p12");
  }

  static TestCertificates create(Path dir) throws IOException, InterruptedException {
    TestCertificates certs = new TestCertificates(dir);
    keyPair(certs.brokerKeystore, "broker", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
    keyPair(certs.clientKeystore, "client", "CN=actionstream-client", null);
    trust(certs.brokerKeystore, "broker", dir.resolve("broker.pem"), certs.clientTruststore);
    trust(certs.clientKeystore, "client", dir.resolve("client.pem"), certs.brokerTruststore);
    return certs;
  }

  private static void keyPair(Path keystore, String alias, String dname, String extension) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", dname, "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD));
    if (extension != null) {
      args.addAll(List.of("-ext", extension));
    }
    keytool(args);
  }

  private static void trust(Path keystore, String alias, Path certificate, Path truststore) throws IOException, InterruptedException {
    keytool(List.of("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", certificate.toString()));
    keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(), "-keystore",
        truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
  }

  private static void keytool(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
