package io.oscope.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What reached whom, from the logs of the clouds: the proxies' access logs ({@code oscope.log})
 * and Glance's {@code eventlet.wsgi.server} lines. A {@link Mark}
 * remembers where each log ended; its methods read only what was written since.
 */
final class Logs {
  /**
   * One access-log line of a proxy: {@code 2026-12-02T18:13:57.123Z oscope-CloudOne GET image CloudTwo 200 866B
   * 3.2ms /v2/images -> 127.0.0.1:9292 …};
   * the upstream is {@code -} when the proxy answered itself.
   */
  record Access(String method, String serviceType, String cloud, int status, String path, String upstream,
      String failover) {}

  private static final Pattern ACCESS =
      Pattern.compile("^\\d{4}-\\S+Z \\S+ (\\S+) (\\S+) (\\S+) (\\d{3}) \\S+ \\S+ (\\S+) -> (\\S+)");
  /** The clouds a {@code |} scope tried before the one that answered: {@code failover=CloudOne}, at the end. */
  private static final Pattern FAILOVER = Pattern.compile(" failover=(\\S+)$");
  private static final AtomicInteger MARKERS = new AtomicInteger();
  /** Glance: {@code … eventlet.wsgi.server … "GET /v2/images HTTP/1.1" 200 …}. */
  private static final Pattern GLANCE_REQUEST = Pattern.compile("eventlet\\.wsgi\\.server .*\"[A-Z]+ \\S+ HTTP/1\\.[01]\"");

  private Logs() {}

  /** Where every log of both clouds ends now. */
  static Mark mark(Clouds clouds) throws IOException {
    return new Mark(clouds);
  }

  static final class Mark {
    private final Clouds clouds;
    private final Map<Path, Long> offsets = new HashMap<>();

    private Mark(Clouds clouds) throws IOException {
      this.clouds = clouds;
      for (Clouds.Cloud c : List.of(clouds.one(), clouds.two())) {
        for (Path log : List.of(c.proxyLog(), c.file("glance.log"))) {
          offsets.put(log, Files.exists(log) ? Files.size(log) : 0L);
        }
      }
    }

    /** The lines written to {@code log} since the mark. */
    List<String> newLines(Path log) throws IOException {
      long from = offsets.getOrDefault(log, 0L);
      if (!Files.exists(log)) return List.of();
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        long length = f.length();
        if (length <= from) return List.of();
        byte[] bytes = new byte[(int) (length - from)];
        f.seek(from);
        f.readFully(bytes);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int lastNewline = text.lastIndexOf('\n');  // a line being written is not a line yet
        return lastNewline < 0 ? List.of() : List.of(text.substring(0, lastNewline).split("\n"));
      }
    }

    /** The access-log lines of a cloud's proxy since the mark. */
    List<Access> access(Clouds.Cloud cloud) throws IOException {
      List<Access> lines = new ArrayList<>();
      for (String line : newLines(cloud.proxyLog())) {
        Matcher m = ACCESS.matcher(line);
        if (m.find()) {
          Matcher failover = FAILOVER.matcher(line);
          lines.add(new Access(m.group(1), m.group(2), m.group(3), Integer.parseInt(m.group(4)), m.group(5), m.group(6),
              failover.find() ? failover.group(1) : null));
        }
      }
      return lines;
    }

    /**
     * Waits (up to 5 s: a line is written when the exchange ends, which the client may see
     * first) until a cloud's proxy logged a line matching {@code wanted}; all its lines since.
     */
    List<Access> awaitAccess(Clouds.Cloud cloud, Predicate<Access> wanted) throws Exception {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (true) {
        List<Access> lines = access(cloud);
        if (lines.stream().anyMatch(wanted) || System.nanoTime() > deadline) return lines;
        Thread.sleep(100);
      }
    }

    /**
     * A barrier: sends a marked request through each cloud's proxy to its own Glance, and waits
     * until both proxies and both Glances have logged it. Whatever reached them before is in
     * their logs by then.
     *
     * @return what the proxies logged since the mark and before their marker, by cloud name
     */
    Map<String, List<Access>> awaitMarkers() throws Exception {
      String marker = "oscope-e2e-marker-" + ProcessHandle.current().pid() + "-" + MARKERS.incrementAndGet();
      Map<String, List<Access>> before = new HashMap<>();
      for (Clouds.Cloud c : List.of(clouds.one(), clouds.two())) {
        c.get(c.publicUrl("image") + "/" + marker, "X-Oscope-E2e", marker);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
          List<Access> lines = access(c);
          int at = -1;
          for (int i = 0; i < lines.size() && at < 0; i++) if (lines.get(i).path().endsWith(marker)) at = i;
          boolean inGlance = newLines(c.file("glance.log")).stream().anyMatch(line -> line.contains(marker));
          if (at >= 0 && inGlance) {
            before.put(c.name(), lines.subList(0, at));
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the marker " + marker + " did not show in " + c.name() + "'s logs within 30 s");
          }
          Thread.sleep(100);
        }
      }
      return before;
    }

    /** Requests that reached the Glances of both clouds since the mark, but for the markers. */
    List<String> glanceRequests() throws IOException {
      List<String> requests = new ArrayList<>();
      for (Clouds.Cloud c : List.of(clouds.one(), clouds.two())) {
        for (String line : newLines(c.file("glance.log"))) {
          if (GLANCE_REQUEST.matcher(line).find() && !line.contains("oscope-e2e-marker-")) {
            requests.add(c.name() + " glance: " + line);
          }
        }
      }
      return requests;
    }
  }
}
