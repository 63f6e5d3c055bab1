package io.oscope.proxy;

import io.netty.util.AsciiString;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceUrl;
import io.oscope.scope.Scope;

/**
 * A complete scope and the headers it goes upstream as, encoded once per route table: {@link
 * ScopeRouter} keeps one per scope text, {@link HeaderRules} copies their bytes request after
 * request.
 *
 * @param scope the complete scope: every service type of the table names a cloud
 * @param json {@code X-Scope}: the scope as JSON
 * @param identityCloud {@code X-Identity-Cloud}: the cloud that serves identity
 * @param identityUrl {@code X-Identity-Url}: that cloud's identity URL, or {@code null} when the
 *     table publishes none (neither identity header is sent then)
 */
record ScopeHeaders(Scope scope, CharSequence json, String identityCloud, CharSequence identityUrl) {
  private static final String IDENTITY = "identity";

  /** The headers of {@code complete}, a scope completed for {@code table}. */
  static ScopeHeaders encode(Scope complete, RouteTable table) {
    String identityCloud = complete.cloudOf(IDENTITY);
    ServiceUrl identity = identityCloud == null ? null : table.identityOf(identityCloud);
    return new ScopeHeaders(complete, asciiIfItIs(complete.toJson()), identityCloud,
        identity == null ? null : asciiIfItIs(identity.toString()));
  }

  /** {@code text} as an AsciiString (copied as bytes) if it is ASCII, else as it is. */
  private static CharSequence asciiIfItIs(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7f) return text;
    }
    return new AsciiString(text);
  }
}
