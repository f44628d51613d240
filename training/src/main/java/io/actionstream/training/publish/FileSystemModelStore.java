package io.actionstream.training.publish;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.actionstream.schemas.v1.ModelRelease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A {@link ModelStore} on a (possibly shared) folder:
 *
 * <pre>
 * ROOT/NAME/VERSION/NAME.onnx          the artifact
 * ROOT/NAME/VERSION/NAME.onnx.sha256   "HEX  NAME.onnx", as sha256sum writes it
 * ROOT/NAME/current.json               the release in service (protobuf JSON)
 * </pre>
 *
 * Artifact URIs are {@code file:} URIs. Files are written to a temporary name and moved into
 * place, so a reader never sees half a model.
 */
public final class FileSystemModelStore implements ModelStore {

  private final Path root;

  public FileSystemModelStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public StoredArtifact put(String modelName, String version, byte[] onnx) {
    Path dir = root.resolve(modelName).resolve(version);
    Path file = dir.resolve(modelName + ".onnx");
    String sha256 = sha256(onnx);
    try {
      Files.createDirectories(dir);
      write(file, onnx);
      write(dir.resolve(modelName + ".onnx.sha256"), (sha256 + "  " + file.getFileName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store " + file, e);
    }
    return new StoredArtifact(file.toUri().toString(), sha256, onnx.length);
  }

  @Override
  public Optional<ModelRelease> current(String modelName) {
    Path file = root.resolve(modelName).resolve("current.json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      ModelRelease.Builder release = ModelRelease.newBuilder();
      JsonFormat.parser().merge(Files.readString(file), release);
      return Optional.of(release.build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void promote(ModelRelease release) {
    Path file = root.resolve(release.getModelName()).resolve("current.json");
    try {
      Files.createDirectories(file.getParent());
      write(file, JsonFormat.printer().print(release).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public byte[] read(String uri, String sha256) {
    Path file = Path.of(URI.create(uri));
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model artifact " + uri, e);
    }
    String actual = sha256(bytes);
    if (!actual.equals(sha256)) {
      throw new IllegalStateException("model artifact " + uri + " has SHA-256 " + actual + ", expected " + sha256);
    }
    return bytes;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
