import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's allocations are: the share of the sampled bytes by class, and by class
 * and allocating frames, for threads whose name starts with a prefix (default: oscope's event loops).
 *
 * <pre>{@code java bench/JfrAlloc.java oscope-CloudOne.jfr [thread-prefix] [frames (5)] [rows (30)]}</pre>
 */
public final class JfrAlloc {
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: java bench/JfrAlloc.java FILE.jfr [thread-prefix (oscope-loop)] [frames (5)] [rows (30)]");
      System.exit(2);
    }
    String prefix = args.length > 1 ? args[1] : "oscope-loop";
    int frames = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int rows = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    Map<String, Long> byClass = new HashMap<>();
    Map<String, Long> bySite = new HashMap<>();
    long total = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!event.getEventType().getName().equals("jdk.ObjectAllocationSample")) continue;
      var thread = event.getThread("eventThread");
      if (thread == null || thread.getJavaName() == null || !thread.getJavaName().startsWith(prefix)) continue;
      long weight = event.getLong("weight");
      total += weight;
      String type = event.getClass("objectClass").getName();
      byClass.merge(type, weight, Long::sum);
      StringBuilder site = new StringBuilder(type);
      if (event.getStackTrace() != null) {
        var stack = event.getStackTrace().getFrames();
        for (int i = 0; i < Math.min(frames, stack.size()); i++) {
          var method = stack.get(i).getMethod();
          site.append(" < ").append(method.getType().getName().replaceAll(".*\\.", "")).append('.').append(method.getName());
        }
      }
      bySite.merge(site.toString(), weight, Long::sum);
    }
    System.out.printf("%d MB sampled on threads %s*%n%n", total >> 20, prefix);
    print(byClass, total, rows);
    System.out.println();
    print(bySite, total, rows);
  }

  private static void print(Map<String, Long> shares, long total, int rows) {
    shares.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
        .forEach(e -> System.out.printf("%5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
  }
}
