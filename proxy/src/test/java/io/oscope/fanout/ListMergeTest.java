package io.oscope.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Walks of merged lists over clouds held in memory, each sorting and paging as its service does:
 * every item once, in order, whatever the page size, the order and the direction.
 */
class ListMergeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MarkerKey KEY = MarkerKey.of("0123456789abcdef0123456789abcdef".getBytes());
  private static final ListCall IMAGES = ListCalls.find("image", "/image/v2/images");
  private static final ListCall NETWORKS = ListCalls.find("network", "/v2.0/networks");
  private static final ListCall KEYPAIRS = ListCalls.find("compute", "/compute/v2.1/os-keypairs");

  /** A cloud's collection, sorted and paged by the service, in memory. */
  record Cloud(String name, List<ObjectNode> items, ListCall call, int cap) {
    Cloud(String name, List<ObjectNode> items, ListCall call) {
      this(name, items, call, Integer.MAX_VALUE);
    }

    Page page(ListQuery query, CompositeMarker.Position position) {
      if (position.exhausted()) return Page.exhausted(name);
      List<ObjectNode> sorted = new ArrayList<>(items);
      sorted.sort(new ItemOrder(call, query.order()));
      int at = 0;
      int end = sorted.size();
      if (position.after() != null) {
        int found = -1;
        for (int i = 0; i < sorted.size(); i++) {
          if (sorted.get(i).at(call.pointer(call.markerField())).asText().equals(position.after())) found = i;
        }
        assertThat(found).as("marker %s of %s", position.after(), name).isNotNegative();
        if (query.backward()) end = found;
        else at = found + 1;
      }
      int size = Math.min(cap, query.pageSize());
      List<JsonNode> page = new ArrayList<>(query.backward()
          ? sorted.subList(Math.max(0, end - size), end) : sorted.subList(at, Math.min(end, at + size)));
      return new Page(name, page, page.size() >= size);
    }
  }

  static List<ObjectNode> images(String prefix, int count) {
    List<ObjectNode> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ObjectNode item = JSON.createObjectNode();
      item.put("id", prefix + "-" + String.format("%03d", i));
      item.put("name", "n" + (i * 7 % 5));
      item.put("created_at", "2026-01-01T00:00:" + String.format("%02d", (i * 13) % 60) + "Z");
      item.put("size", (i * 31) % 17);
      items.add(item);
    }
    return items;
  }

  /** Walks the whole merged list, as a client following next links; returns the ids seen. */
  static List<String> walk(ListCall call, String query, List<Cloud> clouds) {
    List<String> names = clouds.stream().map(Cloud::name).toList();
    List<String> seen = new ArrayList<>();
    String marker = null;
    for (int pages = 0; pages < 1000; pages++) {
      ListQuery q = ListQuery.parse(call, marker == null ? query : query + "&marker=" + marker);
      CompositeMarker from = q.marker() == null ? CompositeMarker.start(q, names)
          : CompositeMarker.decode(q.marker(), KEY, q, names);
      List<Page> pageList = new ArrayList<>();
      for (Cloud cloud : clouds) pageList.add(cloud.page(q, from.positions().get(cloud.name())));
      ListMerge.Merged merged = ListMerge.merge(q, from, pageList);
      assertThat(merged.items().size()).isLessThanOrEqualTo(q.pageSize());
      List<String> ids = new ArrayList<>();
      for (JsonNode item : merged.items()) ids.add(item.at(call.pointer(call.markerField())).asText());
      if (q.backward()) java.util.Collections.reverse(ids);
      seen.addAll(ids);
      if (merged.next() == null) return seen;
      marker = merged.next().encode(KEY);
    }
    throw new AssertionError("the walk did not end");
  }

  static void assertWholeAndOrdered(List<String> seen, List<Cloud> clouds, ListCall call, String query) {
    List<ObjectNode> all = new ArrayList<>();
    clouds.forEach(c -> all.addAll(c.items()));
    assertThat(new HashSet<>(seen)).as("no duplicate").hasSize(seen.size());
    assertThat(seen).as("no gap").hasSize(all.size());
    ListQuery q = ListQuery.parse(call, query);
    all.sort(new ItemOrder(call, q.order()));
    List<String> expected = new ArrayList<>();
    for (ObjectNode item : all) expected.add(item.at(call.pointer(call.markerField())).asText());
    if (q.backward()) java.util.Collections.reverse(expected);
    assertThat(seen).as("merged order").isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "1, ''", "2, ''", "3, ''", "7, ''", "25, ''", "100, ''",
      "1, &sort_key=name&sort_dir=asc", "4, &sort_key=name&sort_dir=desc", "3, &sort=size:asc,name:desc",
      "5, &sort=created_at:asc", "2, &sort_key=size&sort_key=name&sort_dir=desc&sort_dir=asc"})
  void glanceWalksEveryImageOnceInOrder(int limit, String sort) {
    List<Cloud> clouds = List.of(new Cloud("CloudOne", images("a", 11), IMAGES),
        new Cloud("CloudTwo", images("b", 4), IMAGES), new Cloud("CloudThree", images("c", 0), IMAGES));
    String query = "limit=" + limit + sort;
    assertWholeAndOrdered(walk(IMAGES, query, clouds), clouds, IMAGES, query);
  }

  @ParameterizedTest
  @CsvSource({"1, false", "3, false", "50, false", "1, true", "2, true", "6, true"})
  void neutronWalksBothWays(int limit, boolean reverse) {
    List<Cloud> clouds = List.of(new Cloud("CloudOne", images("x", 9), NETWORKS),
        new Cloud("CloudTwo", images("a", 13), NETWORKS));
    String query = "limit=" + limit + "&sort_key=name&sort_dir=asc&sort_key=id&sort_dir=asc"
        + (reverse ? "&page_reverse=True" : "");
    assertWholeAndOrdered(walk(NETWORKS, query, clouds), clouds, NETWORKS, query);
  }

  @ParameterizedTest
  @CsvSource({"3, false", "5, false", "4, true"})
  void aCloudThatCapsItsPagesBelowTheLimitIsNotDrainedPastThem(int limit, boolean reverse) {
    List<Cloud> clouds = List.of(new Cloud("CloudOne", images("a", 10), NETWORKS, 2),
        new Cloud("CloudTwo", images("b", 7), NETWORKS));
    String query = "limit=" + limit + (reverse ? "&page_reverse=1" : "");
    assertWholeAndOrdered(walk(NETWORKS, query, clouds), clouds, NETWORKS, query);
  }

  @Test
  void keypairsMarkTheirPlaceByName() {
    List<ObjectNode> one = new ArrayList<>();
    List<ObjectNode> two = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      one.add(keypair("k" + (2 * i)));
      two.add(keypair("k" + (2 * i + 1)));
    }
    List<Cloud> clouds = List.of(new Cloud("CloudOne", one, KEYPAIRS), new Cloud("CloudTwo", two, KEYPAIRS));
    assertThat(walk(KEYPAIRS, "limit=3", clouds))
        .containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
  }

  private static ObjectNode keypair(String name) {
    ObjectNode item = JSON.createObjectNode();
    item.putObject("keypair").put("name", name).put("fingerprint", "f");
    return item;
  }

  @Test
  void theLastPageWithItemsLinksToAnEmptyOneWithoutLink() {
    List<Cloud> clouds = List.of(new Cloud("CloudOne", images("a", 2), IMAGES), new Cloud("CloudTwo", images("b", 1), IMAGES));
    assertThat(walk(IMAGES, "limit=2", clouds)).hasSize(3);
    ListQuery q = ListQuery.parse(IMAGES, "limit=5");
    List<String> names = List.of("CloudOne", "CloudTwo");
    CompositeMarker start = CompositeMarker.start(q, names);
    ListMerge.Merged all = ListMerge.merge(q, start,
        List.of(clouds.get(0).page(q, CompositeMarker.Position.START), clouds.get(1).page(q, CompositeMarker.Position.START)));
    assertThat(all.items()).hasSize(3);
    assertThat(all.next()).as("a link even after the end: openstacksdk would send a plain ID otherwise").isNotNull();
    assertThat(all.next().exhausted()).isTrue();
    ListMerge.Merged after = ListMerge.merge(q, all.next(), List.of(Page.exhausted("CloudOne"), Page.exhausted("CloudTwo")));
    assertThat(after.items()).isEmpty();
    assertThat(after.next()).isNull();
  }

  @Test
  void anAlteredMarkerIsRefused() {
    ListQuery q = ListQuery.parse(IMAGES, "limit=1");
    List<String> clouds = List.of("CloudOne", "CloudTwo");
    String marker = new CompositeMarker(IMAGES.name(), q.walk(), java.util.Map.of(
        "CloudOne", new CompositeMarker.Position("a-001", false))).encode(KEY);
    String good = CompositeMarker.start(q, clouds).encode(KEY);
    char[] chars = good.toCharArray();
    chars[5] = chars[5] == 'A' ? 'B' : 'A';
    assertThatThrownBy(() -> CompositeMarker.decode(new String(chars), KEY, q, clouds))
        .isInstanceOf(BadListRequest.class).hasMessageContaining("signature does not match");
    assertThatThrownBy(() -> CompositeMarker.decode(good, MarkerKey.random(), q, clouds))
        .isInstanceOf(BadListRequest.class).hasMessageContaining("signature does not match");
    assertThatThrownBy(() -> CompositeMarker.decode("3f2a-raw-id", KEY, q, clouds))
        .isInstanceOf(BadListRequest.class).hasMessageContaining("was not issued by this fan-out");
    assertThatThrownBy(() -> CompositeMarker.decode(marker, KEY, q, clouds))
        .isInstanceOf(BadListRequest.class).hasMessageContaining("issued for clouds CloudOne");
    ListQuery sorted = ListQuery.parse(IMAGES, "limit=1&sort=name:asc");
    assertThatThrownBy(() -> CompositeMarker.decode(good, KEY, sorted, clouds))
        .isInstanceOf(BadListRequest.class).hasMessageContaining("another list or order");
    assertThat(CompositeMarker.decode(good, KEY, q, clouds).positions()).containsOnlyKeys("CloudOne", "CloudTwo");
  }

  @Test
  void aBadLimitIsRefused() {
    assertThatThrownBy(() -> ListQuery.parse(IMAGES, "limit=ten"))
        .isInstanceOf(BadListRequest.class).hasMessageContaining("limit must be a non-negative integer, got 'ten'");
  }

  @Test
  void theTableFindsCallsBehindPrefixes() {
    assertThat(ListCalls.find("compute", "/compute/v2.1/servers/detail").collection()).isEqualTo("servers");
    assertThat(ListCalls.find("compute", "/compute/v2/abc/servers/").suffix()).isEqualTo("/servers");
    assertThat(ListCalls.find("compute", "/compute/v2.1/servers/abc")).isNull();
    assertThat(ListCalls.find("identity", "/identity/v3/users/u/projects")).isNull();
    assertThat(ListCalls.find("volume", "/v3/p/volumes/detail").paging()).isEqualTo(Paging.NOVA);
    assertThat(ListCalls.find("image", "/v2/images/abc")).isNull();
  }

  @Test
  void linksPointWhereEachServiceWouldPointThem() {
    ListQuery q = ListQuery.parse(IMAGES, "limit=2&visibility=public&marker=old");
    assertThat(IMAGES.link("http://proxy:8888/image/v2/images", q.withMarker("f1.x.y")))
        .isEqualTo("/v2/images?visibility=public&limit=2&marker=f1.x.y");
    ListCall servers = ListCalls.find("compute", "/compute/v2.1/servers");
    ListQuery s = ListQuery.parse(servers, "");
    assertThat(servers.link("http://proxy:8888/compute/v2.1/servers", s.withMarker("m")))
        .isEqualTo("http://proxy:8888/compute/v2.1/servers?marker=m");
    assertThat(s.forBranch(null)).isEqualTo("limit=1000");
    assertThat(q.forBranch("a b")).isEqualTo("visibility=public&limit=2&marker=a+b");
  }
}
