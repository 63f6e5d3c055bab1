package io.oscope.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.oscope.http1.RequestHead;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.oscope.routes.Destination;
import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceMatch;
import io.oscope.scope.CloudExpression;
import io.oscope.scope.MalformedScopeException;
import io.oscope.scope.Scope;
import io.oscope.scope.ScopedToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Decides where a request goes: finds its service in the route table, reads its scope, and picks
 * the local backend or the scope's cloud; for a compound scope, the plan: the routes to fail over
 * to ({@code |}) or to fan out to ({@code &}). Pure: no I/O, so it is tested without sockets.
 */
final class ScopeRouter {
  /** The methods that change something: never sent to several clouds at once. */
  private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final RouteTable table;
  private final Set<String> allowed;
  private final Set<String> self;
  /** The complete scope of a request that names none. */
  private final ScopeHeaders unscoped;
  /**
   * Complete scopes and their headers by the text they were decoded from: the one scope cache,
   * per table, so a reload starts afresh and an identity URL is never that of an older table.
   */
  private final Cache<String, ScopeHeaders> byText = Caffeine.newBuilder().maximumSize(4096).build();
  /** With home clouds on: the scopes as clients sent them, and complete scopes by home cloud and text. */
  private final Cache<String, Scope> explicitByText = Caffeine.newBuilder().maximumSize(4096).build();
  private final Cache<String, ScopeHeaders> homeScopes = Caffeine.newBuilder().maximumSize(4096).build();
  private static final String IDENTITY = "identity";
  /**
   * The scope text met last and its entry of {@link #byText}, compared in place before any lookup.
   * Shared by the event loops without a lock: the record is immutable, and a loop that reads a
   * stale one only misses the shortcut.
   */
  private volatile Recent recent;

  private record Recent(byte[] text, ScopeHeaders scope) {}

  /**
   * @param allowed normalised {@code host:port} destinations allowed besides the route table's
   * @param self normalised {@code host:port} addresses of this proxy itself
   */
  ScopeRouter(RouteTable table, Set<String> allowed, Set<String> self) {
    this.table = table;
    this.unscoped = ScopeHeaders.encode(Scope.empty().withDefault(table.serviceTypes(), table.localCloud()), table);
    this.allowed = Set.copyOf(allowed);
    this.self = Set.copyOf(self);
  }

  RouteTable table() {
    return table;
  }

  Set<String> self() {
    return self;
  }

  /** The route of a request, or a {@link ProxyException} naming why there is none. */
  Route route(RequestTarget target, RequestHead request) {
    ServiceMatch match = table.match(target.authority(), target.pathAndQuery());
    if (match == null) return passThrough(target);

    String type = match.serviceType();
    ScopeHeaders scope;
    try {
      scope = completeScopeOf(request);
    } catch (ProxyException e) {
      throw new ProxyException(e.error(), type);
    }
    if (!scope.scope().isSingle()) {
      CloudExpression expression = scope.scope().expressionOf(type);
      if (expression != null && !expression.isSingle()) {
        return plan(target, match, type, expression, scope, request.method());
      }
    }
    return single(target, match, type, scope.scope().cloudOf(type, table.localCloud()), scope);
  }

  /** The route of {@code type} to {@code cloud} alone, {@code scope} naming it. */
  private Route single(RequestTarget target, ServiceMatch match, String type, String cloud, ScopeHeaders scope) {
    Destination destination = match.destinationIn(cloud);
    if (destination == null) {
      throw new ProxyException(new ProxyError.ServiceNotInCloud(type, match.iface().label(), cloud), type);
    }
    // RFC 9112 section 3.2.2: the Host of a request in absolute form is its target's authority. In
    // origin form that is the client's Host: the service then builds links that point at the proxy.
    String authority = target.authority();
    if (destination instanceof Destination.Local local) {
      return new Route(type, cloud, local.backend(), target.pathAndQuery(), authority, authority, null, scope);
    }
    Destination.Remote remote = (Destination.Remote) destination;
    String path = remote.url().path() + match.remainder(target.pathAndQuery());
    if (path.isEmpty() || path.charAt(0) == '?') path = "/" + path;
    String remoteAuthority = remote.url().address().toString();
    return new Route(type, cloud, remote.frontend(), path, remoteAuthority, authority,
        remote.url().scheme() + "://" + remoteAuthority + path, scope);
  }

  /**
   * The routes of a compound expression: {@code A | B} fails over from A to B; {@code A & B} fans
   * out, each operand one cloud or an {@code |} of clouds. Each route's scope names its one cloud,
   * so that no peer fails over or fans out again. Other shapes are refused, not guessed at.
   */
  private Route plan(RequestTarget target, ServiceMatch match, String type, CloudExpression expression,
      ScopeHeaders scope, HttpMethod method) {
    if (expression instanceof CloudExpression.AnyOf any) return failover(target, match, type, any, expression, scope);
    CloudExpression.AllOf all = (CloudExpression.AllOf) expression;
    if (WRITES.contains(method)) {
      throw new ProxyException(new ProxyError.ReplicatedWrite(type, method.name(), all.toString()), type);
    }
    List<Route> operands = new ArrayList<>(all.operands().size());
    for (CloudExpression operand : all.operands()) {
      operands.add(operand instanceof CloudExpression.AnyOf any
          ? failover(target, match, type, any, expression, scope)
          : single(target, match, type, ((CloudExpression.Cloud) operand).name(), scope.branch(type, operand.toString())));
    }
    Route first = operands.get(0);
    return new Route(type, all.toString(), first.upstream(), first.pathAndQuery(), first.host(), first.forwardedHost(),
        first.absoluteUri(), scope, List.of(), operands);
  }

  /** {@code any}'s first cloud, the others as its fallbacks; {@code whole} is the expression it is part of. */
  private Route failover(RequestTarget target, ServiceMatch match, String type, CloudExpression.AnyOf any,
      CloudExpression whole, ScopeHeaders scope) {
    List<Route> routes = new ArrayList<>(any.alternatives().size());
    for (CloudExpression alternative : any.alternatives()) {
      if (!(alternative instanceof CloudExpression.Cloud cloud)) {
        throw new ProxyException(new ProxyError.UnsupportedExpression(type, whole.toString(),
            "an alternative of '|' must be one cloud, and '" + alternative + "' is several"), type);
      }
      routes.add(single(target, match, type, cloud.name(), scope.branch(type, cloud.name())));
    }
    return routes.get(0).withFallbacks(routes.subList(1, routes.size()));
  }

  private Route passThrough(RequestTarget target) {
    HostPort address;
    try {
      address = HostPort.parseAuthority(target.authority(), 80);
    } catch (IllegalArgumentException e) {
      throw new ProxyException(new ProxyError.ForbiddenDestination(target.authority()));
    }
    String key = address.toString();
    if (self.contains(key) || !target.absoluteForm() && table.frontendOf(table.localCloud()).contains(address)) {
      throw new ProxyException(new ProxyError.NoService(target.authority(), pathOnly(target.pathAndQuery())));
    }
    if (!table.isDestination(key) && !allowed.contains(key)) {
      throw new ProxyException(new ProxyError.ForbiddenDestination(target.authority()));
    }
    return new Route(null, null, Pool.of(address), target.pathAndQuery(), target.authority(), target.authority(),
        null, null);
  }

  /**
   * Whether the request's own scope names a cloud (or an expression) for {@code type}: then its
   * project's home cloud does not apply. Only asked with home clouds on.
   */
  boolean names(RequestHead request, String type) {
    String text = scopeText(request);
    return text != null && explicitScopeOf(text).asMap().containsKey(type);
  }

  /**
   * The route of {@code request}, whose scope does not name its service, to the home cloud of its
   * project: its scope completed with {@code home} for every service but identity, which stays with
   * the token's cloud (this proxy's), so that the services' own calls follow the tenant too.
   */
  Route routeHome(RequestTarget target, RequestHead request, String home) {
    ServiceMatch match = table.match(target.authority(), target.pathAndQuery());
    if (match == null) return passThrough(target);
    String type = match.serviceType();
    if (!table.hasCloud(home)) {
      throw new ProxyException(new ProxyError.UnknownCloud(type, home, table.clouds()), type);
    }
    String text = scopeText(request);
    ScopeHeaders scope = homeScopes.get(home + "\n" + (text == null ? "" : text), key -> {
      Scope explicit = text == null ? Scope.empty() : explicitScopeOf(text);
      Set<String> followers = new java.util.HashSet<>(table.serviceTypes());
      followers.remove(IDENTITY);
      return ScopeHeaders.encode(explicit.withDefault(followers, home).withDefault(table.serviceTypes(),
          table.localCloud()), table).carriedOnToken();
    });
    return single(target, match, type, scope.scope().cloudOf(type, home), scope);
  }

  private Scope explicitScopeOf(String text) {
    return explicitByText.get(text, t -> decode("the scope", t));
  }

  /** The text of the request's scope, from where {@link #completeScopeOf(RequestHead)} reads it, or {@code null}. */
  private static String scopeText(RequestHead request) {
    int header = request.find(HeaderRules.X_SCOPE);
    if (header >= 0) return text(request, request.valueStart(header), header);
    for (byte[] name : new byte[][] {HeaderRules.X_AUTH_TOKEN, HeaderRules.X_SUBJECT_TOKEN}) {
      header = request.find(name);
      int at = header < 0 ? -1 : ScopedToken.scopeStart(request.bytes(), request.valueStart(header), request.valueEnd(header));
      if (at >= 0) return text(request, at, header);
    }
    return null;
  }

  private static String text(RequestHead request, int from, int header) {
    return new String(request.bytes(), from, request.valueEnd(header) - from, StandardCharsets.ISO_8859_1);
  }

  /**
   * The request's scope (X-Scope, else the suffix of X-Auth-Token, else of X-Subject-Token),
   * completed with this proxy's cloud for every service type of the table, its clouds checked
   * against the table. Clients send the same scope text on every request, so the result is kept by
   * text: a request then costs a comparison of bytes or a hash lookup, not a parse.
   */
  private ScopeHeaders completeScopeOf(RequestHead request) {
    int header = request.find(HeaderRules.X_SCOPE);
    if (header >= 0) return completeScopeOf(request, "the X-Scope header", request.valueStart(header), header);
    header = request.find(HeaderRules.X_AUTH_TOKEN);
    int at = header < 0 ? -1 : ScopedToken.scopeStart(request.bytes(), request.valueStart(header), request.valueEnd(header));
    if (at >= 0) return completeScopeOf(request, "the X-Auth-Token suffix", at, header);
    header = request.find(HeaderRules.X_SUBJECT_TOKEN);
    at = header < 0 ? -1 : ScopedToken.scopeStart(request.bytes(), request.valueStart(header), request.valueEnd(header));
    if (at >= 0) return completeScopeOf(request, "the X-Subject-Token suffix", at, header);
    return unscoped;
  }

  /** The complete scope of the text of header {@code header} from {@code from} on, read from {@code source}. */
  private ScopeHeaders completeScopeOf(RequestHead request, String source, int from, int header) {
    byte[] bytes = request.bytes();
    int to = request.valueEnd(header);
    Recent last = recent;
    if (last != null && Arrays.equals(bytes, from, to, last.text, 0, last.text.length)) {
      return last.scope; // the same text as the last request's: compared in place, nothing decoded
    }
    String text = new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    ScopeHeaders complete = byText.getIfPresent(text);
    if (complete == null) {
      Scope scope = decode(source, text);
      for (String type : scope.asMap().keySet()) {
        for (String cloud : scope.expressionOf(type).clouds()) {
          if (!table.hasCloud(cloud)) throw new ProxyException(new ProxyError.UnknownCloud(type, cloud, table.clouds()));
        }
      }
      complete = ScopeHeaders.encode(scope.withDefault(table.serviceTypes(), table.localCloud()), table);
      byText.put(text, complete);
    }
    recent = new Recent(Arrays.copyOfRange(bytes, from, to), complete);
    return complete;
  }

  private static Scope decode(String source, String json) {
    try {
      return Scope.parse(json);
    } catch (MalformedScopeException e) {
      throw new ProxyException(new ProxyError.MalformedScope(source, e.getMessage()));
    }
  }

  static String pathOnly(String pathAndQuery) {
    int query = pathAndQuery.indexOf('?');
    return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
  }
}
