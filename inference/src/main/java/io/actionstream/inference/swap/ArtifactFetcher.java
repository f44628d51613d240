package io.actionstream.inference.swap;

import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.RefusalReason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches model artifacts by the URI a release carries ({@code file:} or {@code http(s):},
 * the latter e.g. from an object store's HTTP endpoint) and checks them against the release's
 * SHA-256. Failures are refusals: the model in service keeps serving.
 */
public final class ArtifactFetcher {

  private static final long MAX_BYTES = 512L * 1024 * 1024;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public byte[] fetch(String uri, String sha256) throws ModelRefusedException {
    byte[] bytes = read(uri);
    String actual = sha256(bytes);
    if (!actual.equalsIgnoreCase(sha256)) {
      throw new ModelRefusedException(RefusalReason.CHECKSUM_MISMATCH, uri + " has SHA-256 " + actual + ", the release says " + sha256);
    }
    return bytes;
  }

  private byte[] read(String uri) throws ModelRefusedException {
    try {
      URI parsed = URI.create(uri);
      String scheme = parsed.getScheme() == null ? "" : parsed.getScheme();
      switch (scheme) {
        case "file" -> {
          Path file = Path.of(parsed);
          if (Files.size(file) > MAX_BYTES) {
            throw new ModelRefusedException(RefusalReason.UNREACHABLE, uri + " is larger than " + MAX_BYTES + " bytes");
          }
          return Files.readAllBytes(file);
        }
        case "http", "https" -> {
          HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(parsed).timeout(Duration.ofMinutes(2)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
          if (response.statusCode() != 200) {
            throw new ModelRefusedException(RefusalReason.UNREACHABLE, uri + " answered HTTP " + response.statusCode());
          }
          return response.body();
        }
        default -> throw new ModelRefusedException(RefusalReason.UNREACHABLE, "cannot fetch '" + uri + "': use a file: or http(s): URI");
      }
    } catch (IOException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new ModelRefusedException(RefusalReason.UNREACHABLE, "cannot fetch " + uri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelRefusedException(RefusalReason.UNREACHABLE, "interrupted while fetching " + uri, e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
