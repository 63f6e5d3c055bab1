package io.oscope.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import io.oscope.exchange.PeerSignature;
import io.oscope.routes.RouteTable;
import io.oscope.routes.ServiceUrl;
import io.oscope.scope.Scope;
import io.oscope.scope.ScopedToken;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The seed's header rules, plus what any HTTP proxy owes: strip the scope suffix from
 * {@code X-Subject-Token} always and from {@code X-Auth-Token} for identity; send the complete scope
 * in {@code X-Scope} and the identity cloud in {@code X-Identity-Cloud}/{@code -Url}; add {@code Via}
 * and {@code X-Forwarded-*}; drop hop-by-hop headers.
 *
 * <p>The request head for upstream is written as bytes in one pass over the client's headers,
 * which stay as they were: a retry writes it again, with what has changed since (a fresh service
 * token).
 */
final class HeaderRules {
  static final AsciiString X_SCOPE = AsciiString.cached("x-scope");
  static final AsciiString X_AUTH_TOKEN = AsciiString.cached("x-auth-token");
  static final AsciiString X_SUBJECT_TOKEN = AsciiString.cached("x-subject-token");
  static final AsciiString X_IDENTITY_CLOUD = AsciiString.cached("x-identity-cloud");
  static final AsciiString X_IDENTITY_URL = AsciiString.cached("x-identity-url");
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString X_OSCOPE_PEER = AsciiString.cached(PeerSignature.HEADER.toLowerCase(Locale.ROOT));
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final String IDENTITY = "identity";
  private static final byte[] HTTP_1_1_LINE_END = ResponseHead.ascii(" HTTP/1.1\r\n");
  private static final byte[] COLON = ResponseHead.ascii(": ");
  private static final byte[] COMMA = ResponseHead.ascii(", ");
  private static final AsciiString CLOSE = AsciiString.cached("close");
  private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  private static final byte[] CRLF = ResponseHead.ascii("\r\n");
  private static final byte[] CHUNKED_LINE = ResponseHead.ascii("transfer-encoding: chunked\r\n");

  /** Header values up to this length are written character by character; longer ones as a block. */
  private static final int SHORT = 48;
  private static final int SCRATCH_BYTES = 16 * 1024;
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[SCRATCH_BYTES];
    }
  };

  private static final Pattern WHITESPACE = Pattern.compile("[ \t]+");

  /** What becomes of a client's request header on its way upstream. */
  private enum Fate {
    KEEP,
    /** Hop-by-hop, or replaced whatever the route: Host, Expect, a peer's signature. */
    DROP,
    HOST,
    /** X-Scope and X-Identity-*: replaced on service routes, kept on pass-through ones. */
    SCOPE,
    AUTH_TOKEN,
    SUBJECT_TOKEN,
    VIA,
    FORWARDED_FOR,
    FORWARDED_PROTO,
    FORWARDED_HOST
  }

  private final String viaName;
  private final String viaEntry;
  private final byte[] viaEntryBytes;
  private final AsciiString scheme;
  /** The scope headers last sent; shared by the event loops without a lock (immutable, a stale one only misses). */
  private volatile ScopeHeaders lastScope;

  private record ScopeHeaders(Scope scope, RouteTable table, CharSequence json, String identityCloud,
      CharSequence identityUrl) {}

  /** @param scheme how clients reach this proxy: {@code http} or {@code https} */
  HeaderRules(String viaName, String scheme) {
    this.viaName = viaName;
    this.scheme = new AsciiString(scheme);
    this.viaEntry = "1.1 " + viaName;
    this.viaEntryBytes = viaEntry.getBytes(StandardCharsets.US_ASCII);
  }

  /** This proxy's {@code Via} entry, e.g. {@code 1.1 oscope-CloudOne}. */
  String viaEntry() {
    return viaEntry;
  }

  /** {@link #viaEntry()} in ASCII, for heads written as bytes. */
  byte[] viaEntryBytes() {
    return viaEntryBytes;
  }

  /** Whether the request already passed through this proxy. */
  boolean isLoop(HttpHeaders request) {
    if (!request.contains(HttpHeaderNames.VIA)) return false;
    for (String via : request.getAll(HttpHeaderNames.VIA)) {
      for (String element : via.split(",")) {
        String[] parts = WHITESPACE.split(element.strip());
        if (parts.length >= 2 && parts[1].equals(viaName)) return true;
      }
    }
    return false;
  }

  /**
   * Writes to {@code out} the head of the request to send upstream along {@code route}: the
   * request line (HTTP/1.1), the client's headers but those dropped or replaced, then this proxy's.
   *
   * @param client the client's headers, left as they are
   * @param chunked whether the body goes upstream chunked
   * @param extra what the token exchange adds: a service token for {@code X-Auth-Token}, a
   *     peer signature; both null for most requests
   */
  void writeUpstreamHead(ByteBuf out, HttpMethod method, String target, HttpHeaders client, Route route,
      RouteTable table, String clientAddress, boolean chunked, ExchangeHeaders extra) {
    write(out, method.asciiName());
    out.writeByte(' ');
    write(out, target);
    out.writeBytes(HTTP_1_1_LINE_END);
    boolean service = !route.passThrough();
    boolean identity = service && IDENTITY.equals(route.serviceType());
    String serviceToken = extra == null ? null : extra.serviceToken();
    Set<String> connectionNamed = connectionNamed(client);
    CharSequence host = null;
    CharSequence via = null;
    CharSequence forwardedFor = null;
    boolean forwardedProto = false;
    boolean forwardedHost = false;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = client.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      CharSequence name = header.getKey();
      CharSequence value = header.getValue();
      if (connectionNamed != null && connectionNamed.contains(name.toString().toLowerCase(Locale.ROOT))) continue;
      switch (fateOf(name)) {
        case KEEP -> line(out, name, value);
        case DROP -> { }
        case HOST -> {
          if (host == null) host = value;
        }
        case SCOPE -> {
          if (!service) line(out, name, value);
        }
        case AUTH_TOKEN -> {
          if (serviceToken == null) line(out, name, identity ? ScopedToken.tokenOf(value.toString()) : value);
        }
        case SUBJECT_TOKEN -> line(out, name, service ? ScopedToken.tokenOf(value.toString()) : value);
        case VIA -> via = via == null ? value : via + ", " + value;
        case FORWARDED_FOR -> forwardedFor = forwardedFor == null ? value : forwardedFor + ", " + value;
        case FORWARDED_PROTO -> {
          forwardedProto = true;
          line(out, name, value);
        }
        case FORWARDED_HOST -> {
          forwardedHost = true;
          line(out, name, value);
        }
      }
    }
    line(out, HttpHeaderNames.HOST, route.host());
    if (serviceToken != null) line(out, X_AUTH_TOKEN, serviceToken);
    if (service) {
      ScopeHeaders scope = scopeHeaders(route.scope(), table);
      line(out, X_SCOPE, scope.json);
      if (scope.identityUrl != null) {
        line(out, X_IDENTITY_CLOUD, scope.identityCloud);
        line(out, X_IDENTITY_URL, scope.identityUrl);
      }
    }
    if (extra != null && extra.peerSignature() != null) line(out, X_OSCOPE_PEER, extra.peerSignature());
    write(out, HttpHeaderNames.VIA);
    out.writeBytes(COLON);
    if (via != null) {
      write(out, via);
      out.writeBytes(COMMA);
    }
    out.writeBytes(viaEntryBytes).writeBytes(CRLF);
    line(out, X_FORWARDED_FOR, forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
    if (!forwardedProto) line(out, X_FORWARDED_PROTO, scheme);
    if (!forwardedHost && host != null) line(out, X_FORWARDED_HOST, host);
    if (chunked) out.writeBytes(CHUNKED_LINE);
    out.writeBytes(CRLF);
  }

  /** What the token exchange adds to a request head: either may be null. */
  record ExchangeHeaders(String serviceToken, String peerSignature) {}

  private static Fate fateOf(CharSequence name) {
    return switch (name.length()) {
      case 2 -> is(name, HttpHeaderNames.TE) ? Fate.DROP : Fate.KEEP;
      case 3 -> is(name, HttpHeaderNames.VIA) ? Fate.VIA : Fate.KEEP;
      case 4 -> is(name, HttpHeaderNames.HOST) ? Fate.HOST : Fate.KEEP;
      case 6 -> is(name, HttpHeaderNames.EXPECT) ? Fate.DROP : Fate.KEEP; // 100-continue is answered here
      case 7 -> is(name, X_SCOPE) ? Fate.SCOPE
          : is(name, HttpHeaderNames.TRAILER) || is(name, HttpHeaderNames.UPGRADE) ? Fate.DROP : Fate.KEEP;
      case 10 -> is(name, HttpHeaderNames.CONNECTION) || is(name, KEEP_ALIVE) ? Fate.DROP : Fate.KEEP;
      case 12 -> is(name, X_AUTH_TOKEN) ? Fate.AUTH_TOKEN : Fate.KEEP;
      case 13 -> is(name, X_OSCOPE_PEER) ? Fate.DROP : Fate.KEEP; // a signature is for one hop
      case 14 -> is(name, X_IDENTITY_URL) ? Fate.SCOPE : Fate.KEEP;
      case 15 -> is(name, X_SUBJECT_TOKEN) ? Fate.SUBJECT_TOKEN : is(name, X_FORWARDED_FOR) ? Fate.FORWARDED_FOR : Fate.KEEP;
      case 16 -> is(name, X_IDENTITY_CLOUD) ? Fate.SCOPE : is(name, PROXY_CONNECTION) ? Fate.DROP
          : is(name, X_FORWARDED_HOST) ? Fate.FORWARDED_HOST : Fate.KEEP;
      case 17 -> is(name, HttpHeaderNames.TRANSFER_ENCODING) ? Fate.DROP
          : is(name, X_FORWARDED_PROTO) ? Fate.FORWARDED_PROTO : Fate.KEEP;
      case 18 -> is(name, HttpHeaderNames.PROXY_AUTHENTICATE) ? Fate.DROP : Fate.KEEP;
      case 19 -> is(name, HttpHeaderNames.PROXY_AUTHORIZATION) ? Fate.DROP : Fate.KEEP;
      default -> Fate.KEEP;
    };
  }

  private static boolean is(CharSequence name, AsciiString lowerCase) {
    return AsciiString.contentEqualsIgnoreCase(name, lowerCase);
  }

  /**
   * The header names (lower case) the client's {@code Connection} lists besides {@code close} and
   * {@code keep-alive}, which are hop-by-hop too; null when there are none, as almost always.
   */
  private static Set<String> connectionNamed(HttpHeaders client) {
    Set<String> named = null;
    for (Iterator<? extends CharSequence> it = client.valueCharSequenceIterator(HttpHeaderNames.CONNECTION); it.hasNext(); ) {
      CharSequence value = it.next();
      if (is(value, KEEP_ALIVE) || is(value, CLOSE)) continue;
      for (String token : value.toString().split(",")) {
        String name = token.strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals("close") || name.equals("keep-alive")) continue;
        if (named == null) named = new HashSet<>();
        named.add(name);
      }
    }
    return named;
  }

  /** Writes {@code headers} as header lines (trailers of a chunked body). */
  static void writeLines(ByteBuf out, HttpHeaders headers) {
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = it.next();
      line(out, header.getKey(), header.getValue());
    }
  }

  private static void line(ByteBuf out, CharSequence name, CharSequence value) {
    write(out, name);
    out.writeBytes(COLON);
    write(out, value);
    out.writeBytes(CRLF);
  }

  /** Writes a header's characters as the bytes they were decoded from (ISO-8859-1). */
  private static void write(ByteBuf out, CharSequence text) {
    if (text instanceof AsciiString ascii) {
      out.writeBytes(ascii.array(), ascii.arrayOffset(), ascii.length());
    } else if (text instanceof String string && string.length() > SHORT && string.length() <= SCRATCH_BYTES) {
      // Long values (tokens): copied as a block, not character by character.
      byte[] scratch = SCRATCH.get();
      latin1(string, scratch);
      out.writeBytes(scratch, 0, string.length());
    } else {
      out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The low byte of each of {@code text}'s characters into {@code into}: the ISO-8859-1 bytes a
   * decoded header value came from. String.getBytes(int, int, byte[], int) does exactly this, as
   * a block copy for the JDK's compact Latin-1 strings, and allocates nothing.
   */
  @SuppressWarnings("deprecation")
  private static void latin1(String text, byte[] into) {
    text.getBytes(0, text.length(), into, 0);
  }

  /**
   * The scope's headers, encoded once: request after request the router hands over the same
   * scope, whose values are then copied as bytes.
   */
  private ScopeHeaders scopeHeaders(Scope scope, RouteTable table) {
    ScopeHeaders last = lastScope;
    if (last != null && last.scope == scope && last.table == table) return last;
    String identityCloud = scope.cloudOf(IDENTITY);
    ServiceUrl identity = identityCloud == null ? null : table.identityOf(identityCloud);
    ScopeHeaders encoded = new ScopeHeaders(scope, table, asciiIfItIs(scope.toJson()), identityCloud,
        identity == null ? null : asciiIfItIs(identity.toString()));
    lastScope = encoded;
    return encoded;
  }

  /** {@code text} as an AsciiString (copied as bytes) if it is ASCII, else as it is. */
  private static CharSequence asciiIfItIs(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7f) return text;
    }
    return new AsciiString(text);
  }
}
