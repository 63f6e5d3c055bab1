package io.oscope.catalog;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.oscope.routes.ServiceEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Writes route-file entries in the OpenStackoïd prototype's {@code services.json} shape, byte for byte the same for
 * the same entries so that the file diffs well: two-space indentation, one entry per line, keys
 * in the order "Service Type", "Interface", "URL", "Region", "Frontend", "Backend", URLs
 * normalised (scheme and port explicit), a final newline. The file is replaced atomically, so a
 * proxy reloading it never sees half of it.
 *
 * <pre>{@code boolean changed = RouteFileWriter.write(Path.of("routes.json"), entries);}</pre>
 */
public final class RouteFileWriter {
  private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

  private RouteFileWriter() {}

  /** The route file of {@code entries}, in their order. */
  public static byte[] format(List<ServiceEntry> entries) {
    StringBuilder out = new StringBuilder("{\n  \"services\": [");
    for (int i = 0; i < entries.size(); i++) {
      ServiceEntry e = entries.get(i);
      out.append(i == 0 ? "\n" : ",\n").append("    {");
      field(out, "Service Type", e.serviceType()).append(", ");
      field(out, "Interface", e.iface().label()).append(", ");
      field(out, "URL", e.url().toString()).append(", ");
      field(out, "Region", e.cloud()).append(", ");
      field(out, "Frontend", e.frontend().toString());
      if (e.backend() != null) field(out.append(", "), "Backend", e.backend().toString());
      out.append('}');
    }
    out.append(entries.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Replaces {@code target} with the route file of {@code entries} through a temporary file in the
   * same folder and an atomic move; leaves it untouched when it already has those bytes.
   *
   * @return whether the file changed
   */
  public static boolean write(Path target, List<ServiceEntry> entries) throws IOException {
    byte[] content = format(entries);
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) return false;
    Path folder = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) channel.write(buffer);
        channel.force(true);
      }
      permissions(temp, target);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return true;
  }

  /** A temporary file is private; the route file keeps its permissions, or is readable by all. */
  private static void permissions(Path temp, Path target) throws IOException {
    try {
      Set<PosixFilePermission> wanted = Files.exists(target) ? Files.getPosixFilePermissions(target) : READABLE;
      Files.setPosixFilePermissions(temp, wanted);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the temporary file's defaults are all there is.
    }
  }

  private static StringBuilder field(StringBuilder out, String name, String value) {
    out.append('"').append(name).append("\": \"");
    out.append(JsonStringEncoder.getInstance().quoteAsString(value));
    return out.append('"');
  }
}
