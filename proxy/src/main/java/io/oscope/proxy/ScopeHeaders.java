package io.oscope.proxy;

import io.netty.util.AsciiString;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceUrl;
import io.oscope.scope.CloudExpression;
import io.oscope.scope.Scope;
import java.util.HashMap;
import java.util.Map;

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
 * @param branches for a scope with compound expressions, the headers of each of its branches by
 *     {@link #branchKey}: the scope with one cloud of one expression in its place. Encoded with the
 *     scope, once per scope text, so that a failover or fan-out costs no encoding per request
 * @param onToken whether a token without a scope goes upstream with this one as its suffix: the
 *     proxy chose the scope (a home cloud), and the services' own calls with the token, token
 *     validation first, must follow it as they would a client's suffix
 */
record ScopeHeaders(Scope scope, CharSequence json, String identityCloud, CharSequence identityUrl,
    Map<String, ScopeHeaders> branches, boolean onToken) {
  private static final String IDENTITY = "identity";

  /** The headers of {@code complete}, a scope completed for {@code table}, with those of its branches. */
  static ScopeHeaders encode(Scope complete, RouteTable table) {
    if (complete.isSingle()) return encodeOne(complete, table);
    Map<String, ScopeHeaders> branches = new HashMap<>();
    for (String type : complete.asMap().keySet()) {
      CloudExpression expression = complete.expressionOf(type);
      if (expression.isSingle()) continue;
      for (String cloud : expression.clouds()) {
        branches.put(branchKey(type, cloud), encodeOne(complete.with(type, new CloudExpression.Cloud(cloud)), table));
      }
    }
    ScopeHeaders whole = encodeOne(complete, table);
    return new ScopeHeaders(complete, whole.json, whole.identityCloud, whole.identityUrl, Map.copyOf(branches), false);
  }

  /**
   * The headers of {@code complete} alone. The identity headers of a compound identity name its
   * first cloud: the one that is tried first, and the one Keystone tokens are checked against.
   */
  private static ScopeHeaders encodeOne(Scope complete, RouteTable table) {
    CloudExpression identityExpression = complete.expressionOf(IDENTITY);
    String identityCloud = identityExpression == null ? null : identityExpression.clouds().iterator().next();
    ServiceUrl identity = identityCloud == null ? null : table.identityOf(identityCloud);
    return new ScopeHeaders(complete, asciiIfItIs(complete.toJson()), identityCloud,
        identity == null ? null : asciiIfItIs(identity.toString()), Map.of(), false);
  }

  /** These headers, the scope also going on as the suffix of a token that has none ({@link #onToken}). */
  ScopeHeaders carriedOnToken() {
    return new ScopeHeaders(scope, json, identityCloud, identityUrl, branches, true);
  }

  /** The headers of the branch of this scope that sends {@code serviceType} to {@code cloud} alone. */
  ScopeHeaders branch(String serviceType, String cloud) {
    ScopeHeaders branch = branches.get(branchKey(serviceType, cloud));
    if (branch == null) throw new IllegalArgumentException("no branch " + cloud + " for " + serviceType + " in " + json);
    return branch;
  }

  private static String branchKey(String serviceType, String cloud) {
    return serviceType + '\n' + cloud; // neither a type nor a cloud name contains a line feed
  }

  /** {@code text} as an AsciiString (copied as bytes) if it is ASCII, else as it is. */
  private static CharSequence asciiIfItIs(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7f) return text;
    }
    return new AsciiString(text);
  }
}
