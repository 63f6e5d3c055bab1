package io.oscope.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.oscope.fanout.BadListRequest;
import io.oscope.fanout.CompositeMarker;
import io.oscope.fanout.ListBody;
import io.oscope.fanout.ListCall;
import io.oscope.fanout.ListMerge;
import io.oscope.fanout.ListQuery;
import io.oscope.fanout.MarkerKey;
import io.oscope.fanout.Page;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The list call of a {@link FanOutExchange}: the client's query and {@link CompositeMarker}, the
 * query each cloud is asked (one page after its position), and the page merged from the clouds'
 * answers with its next link. It asks no cloud and answers no client: the exchange does both.
 *
 * <pre>{@code
 * FanOutList list = FanOutList.parse(call, rawQuery, key, clouds, maxBody);
 * String toCloudTwo = list.queryFor("CloudTwo");          // null: CloudTwo is at its end
 * FanOutList.Pages pages = list.read(calls, clouds, failures);
 * byte[] body = list.merge(pages, "http://proxy/image/v2/images");
 * }</pre>
 */
final class FanOutList {
  private final ListQuery query;
  private final CompositeMarker from;
  private final MarkerKey key;
  private final long maxBody;

  /** The pages read from the clouds' answers, in the expression's order, and the first answer's body as template. */
  record Pages(List<Page> pages, ObjectNode template) {}

  private FanOutList(ListQuery query, CompositeMarker from, MarkerKey key, long maxBody) {
    this.query = query;
    this.from = from;
    this.key = key;
    this.maxBody = maxBody;
  }

  /** The list call {@code call} with the client's {@code rawQuery}; its marker, if any, checked with {@code key}. */
  static FanOutList parse(ListCall call, String rawQuery, MarkerKey key, List<String> clouds, long maxBody)
      throws BadListRequest {
    ListQuery query = ListQuery.parse(call, rawQuery);
    CompositeMarker from = query.marker() == null ? CompositeMarker.start(query, clouds)
        : CompositeMarker.decode(query.marker(), key, query, clouds);
    return new FanOutList(query, from, key, maxBody);
  }

  /** The query {@code cloud} is asked: one page after its position; null when it is at its end (not asked). */
  String queryFor(String cloud) {
    CompositeMarker.Position position = from.positions().get(cloud);
    return position.exhausted() ? null : query.forBranch(position.after());
  }

  /**
   * The pages of {@code calls} (one per cloud of {@code clouds}, null for a cloud not asked): a
   * cloud not asked is at its end, one that did not answer is unavailable, as is one whose answer
   * cannot be read, which is added to {@code failures} with why. Each answer read is released.
   */
  Pages read(BranchCall[] calls, List<String> clouds, Map<String, String> failures) {
    List<Page> pages = new ArrayList<>(calls.length);
    ObjectNode template = null;
    for (int i = 0; i < calls.length; i++) {
      BranchCall branch = calls[i];
      if (branch == null) {
        pages.add(Page.exhausted(clouds.get(i)));
      } else if (branch.state() != BranchCall.State.ANSWERED) {
        pages.add(Page.unavailable(clouds.get(i)));
      } else {
        try {
          ListBody.Read read = ListBody.read(branch.answeredBy(), query, ByteBufUtil.getBytes(branch.body()), maxBody);
          pages.add(read.page());
          if (template == null) template = read.body();
        } catch (IOException e) {
          failures.put(clouds.get(i), e.getMessage());
          pages.add(Page.unavailable(clouds.get(i)));
        }
        branch.release();
      }
    }
    return new Pages(pages, template);
  }

  /** The merged page's body: at most {@code limit} items, its next link to {@code requestUrl} with the new marker. */
  byte[] merge(Pages pages, String requestUrl) {
    ListMerge.Merged merged = ListMerge.merge(query, from, pages.pages());
    ObjectNode template = pages.template() != null ? pages.template() : JsonNodeFactory.instance.objectNode();
    return ListBody.write(template, query, merged, merged.next() == null ? null : merged.next().encode(key), requestUrl);
  }
}
