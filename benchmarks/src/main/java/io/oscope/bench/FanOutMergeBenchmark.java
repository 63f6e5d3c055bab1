package io.oscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oscope.fanout.CompositeMarker;
import io.oscope.fanout.ListBody;
import io.oscope.fanout.ListCall;
import io.oscope.fanout.ListCalls;
import io.oscope.fanout.ListMerge;
import io.oscope.fanout.ListQuery;
import io.oscope.fanout.MarkerKey;
import io.oscope.fanout.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of an {@code &} list page, without sockets: the k-way merge of the clouds' pages
 * ({@code merge}: per page of {@code pageSize} items, divide by it for the cost per item), and the
 * whole page from the clouds' bodies to the merged body ({@code page}: parse, merge, sign the
 * marker, write). {@code -prof gc} gives the allocation per merged page.
 *
 * <pre>{@code java -jar benchmarks/target/benchmarks.jar FanOutMerge -prof gc}</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class FanOutMergeBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MarkerKey KEY = MarkerKey.of("a benchmark key of at least 32 bytes".getBytes(StandardCharsets.UTF_8));

  /** Items per merged page (Glance's default 25, Nova's 1000). */
  @Param({"25", "1000"})
  public int pageSize;

  /** Clouds in the {@code &}. */
  @Param({"2", "4"})
  public int clouds;

  private ListCall call;
  private ListQuery query;
  private CompositeMarker start;
  private List<Page> pages;
  private List<byte[]> bodies;
  private List<String> names;

  @Setup
  public void setUp() throws IOException {
    call = ListCalls.find("image", "/image/v2/images");
    query = ListQuery.parse(call, "limit=" + pageSize);
    names = new ArrayList<>();
    pages = new ArrayList<>();
    bodies = new ArrayList<>();
    for (int c = 0; c < clouds; c++) {
      String name = "Cloud" + c;
      names.add(name);
      List<JsonNode> items = new ArrayList<>();
      ObjectNode body = JSON.createObjectNode();
      var array = body.putArray("images");
      for (int i = 0; i < pageSize; i++) {
        ObjectNode image = JSON.createObjectNode();
        image.put("id", String.format("%08d-0000-0000-0000-%012d", c, i));
        image.put("name", "image-" + i);
        image.put("status", "active");
        image.put("created_at", String.format("2026-%02d-%02dT%02d:00:00Z", 12 - i % 12, 28 - i % 28, (i * clouds + c) % 24));
        image.put("size", 16338944L + i);
        items.add(image);
        array.add(image.deepCopy());
      }
      items.sort((a, b) -> b.get("created_at").asText().compareTo(a.get("created_at").asText()));
      pages.add(new Page(name, items, true));
      body.put("first", "/v2/images").put("schema", "/v2/schemas/images");
      bodies.add(JSON.writeValueAsBytes(body));
    }
    start = CompositeMarker.start(query, names);
  }

  /** The merge alone: a page of {@code pageSize} items from {@code clouds} pages as long. */
  @Benchmark
  public ListMerge.Merged merge() {
    return ListMerge.merge(query, start, pages);
  }

  /** A whole merged page: the clouds' bodies parsed, merged, the marker signed, the body written. */
  @Benchmark
  public byte[] page() throws IOException {
    List<Page> read = new ArrayList<>(clouds);
    ObjectNode template = null;
    for (int c = 0; c < clouds; c++) {
      ListBody.Read one = ListBody.read(names.get(c), query, bodies.get(c), 32L << 20);
      read.add(one.page());
      if (template == null) template = one.body();
    }
    ListMerge.Merged merged = ListMerge.merge(query, start, read);
    String marker = merged.next() == null ? null : merged.next().encode(KEY);
    return ListBody.write(template, query, merged, marker, "http://proxy:8888/image/v2/images");
  }
}
