import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples are: the hottest methods by self time and by inclusive time,
 * for threads whose name starts with a prefix (default: oscope's event loops).
 *
 * <pre>{@code java bench/JfrTop.java oscope-CloudOne.jfr [thread-prefix] [rows]}</pre>
 *
 * (The JDK's own {@code jfr print} is not used: on JDK 17 it fails on some lambda frames.)
 */
public final class JfrTop {
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: java bench/JfrTop.java FILE.jfr [thread-prefix (oscope-loop)] [rows (30)]");
      System.exit(2);
    }
    String prefix = args.length > 1 ? args[1] : "oscope-loop";
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      var thread = event.getThread("sampledThread");
      if (thread == null || thread.getJavaName() == null || !thread.getJavaName().startsWith(prefix)) continue;
      if (event.getStackTrace() == null) continue;
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (frames.isEmpty()) continue;
      samples++;
      self.merge(name(frames.get(0)), 1, Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String name = name(frame);
        if (seen.add(name)) inclusive.merge(name, 1, Integer::sum);
      }
    }
    System.out.printf("%d execution samples on threads '%s*'%n", samples, prefix);
    print("self", self, samples, rows);
    print("inclusive", inclusive, samples, rows);
  }

  private static String name(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    if (method == null) return "?";
    String type = method.getType() == null ? "?" : method.getType().getName();
    return type + "." + method.getName();
  }

  private static void print(String title, Map<String, Integer> counts, int samples, int rows) {
    System.out.printf("%n-- %s%n", title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(rows)
        .forEach(e -> System.out.printf("%6d %5.1f%%  %s%n", e.getValue(), 100.0 * e.getValue() / samples, e.getKey()));
  }
}
