package io.oscope.proxy;

import io.oscope.routes.HostPort;
import io.oscope.routes.Pool;
import io.oscope.routes.RouteTable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which hops in front of oscope are believed, and so who the client is. Two ways, which add up:
 * IP addresses and CIDR blocks ({@code --trusted-proxy}, nginx's {@code set_real_ip_from}), and a
 * count of hops ({@code --trusted-hops}, Envoy's {@code xff_num_trusted_hops}): the last N hops of
 * the chain, the direct peer first, whoever they are. A believed peer's forwarding headers
 * ({@code X-Forwarded-For/-Proto/-Host}, {@code Forwarded}) are passed on; from any other they
 * are replaced by what oscope saw, so a client cannot make a backend believe it comes from
 * elsewhere. Names are not resolved: a hop is an address.
 *
 * <p>The client is found walking {@code X-Forwarded-For} from the right, the direct peer first:
 * past every hop believed, the first hop that is not is the client (the leftmost entry if all
 * are). An entry that is not an IP address stops the walk at the hop that wrote it.
 *
 * <pre>{@code
 * TrustedHops.parse(List.of("10.0.0.0/8", "192.0.2.7")).trusts("10.1.2.3") // true
 * TrustedHops.none().withHopCount(2).client("192.0.2.9", List.of("a", "198.51.100.4", "10.0.0.5")) // 198.51.100.4
 * }</pre>
 */
public final class TrustedHops {
  private static final TrustedHops NONE = new TrustedHops(List.of(), Set.of(), List.of(), 0);

  private final List<String> specs;
  /** Single addresses, as {@link InetAddress#getHostAddress()} writes them: how clients' are written. */
  private final Set<String> addresses;
  private final List<Block> blocks;
  /** How many hops from the right of the chain are believed whatever their address. */
  private final int hopCount;

  /** {@code prefix} leading bits of {@code network}: 4 bytes for IPv4, 16 for IPv6. */
  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) return false;
      int bits = prefix;
      for (int i = 0; bits > 0; i++, bits -= 8) {
        int mask = bits >= 8 ? 0xff : 0xff << (8 - bits) & 0xff;
        if ((address[i] & mask) != (network[i] & mask)) return false;
      }
      return true;
    }
  }

  private TrustedHops(List<String> specs, Set<String> addresses, List<Block> blocks, int hopCount) {
    this.specs = List.copyOf(specs);
    this.addresses = Set.copyOf(addresses);
    this.blocks = List.copyOf(blocks);
    this.hopCount = hopCount;
  }

  /** No hop is trusted but, where the route table is at hand, the other clouds' proxies. */
  public static TrustedHops none() {
    return NONE;
  }

  /**
   * Parses {@code ADDR} or {@code ADDR/BITS} entries (IPv4 or IPv6 literals).
   *
   * @throws IllegalArgumentException naming the first entry that is neither
   */
  public static TrustedHops parse(List<String> specs) {
    Set<String> addresses = new HashSet<>();
    List<Block> blocks = new ArrayList<>();
    for (String spec : specs) {
      int slash = spec.indexOf('/');
      byte[] address = literal(slash < 0 ? spec : spec.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("trusted proxy '" + spec + "' is not an IP address or CIDR block"
            + " (names are not resolved)");
      }
      int bits = address.length * 8;
      if (slash >= 0) {
        String prefix = spec.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
            || Integer.parseInt(prefix) > bits) {
          throw new IllegalArgumentException("trusted proxy '" + spec + "': the prefix length must be 0 to " + bits);
        }
        bits = Integer.parseInt(prefix);
      }
      if (bits == address.length * 8) addresses.add(hostAddress(address));
      else blocks.add(new Block(address, bits));
    }
    return new TrustedHops(specs, addresses, blocks, 0);
  }

  /**
   * These hops, and also the last {@code count} of the chain whatever their address: the direct
   * peer is then always believed, so oscope must be reachable only through those hops.
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public TrustedHops withHopCount(int count) {
    if (count < 0) throw new IllegalArgumentException("trusted hops must not be negative, got " + count);
    return new TrustedHops(specs, addresses, blocks, count);
  }

  /** How many hops are believed whatever their address. */
  public int hopCount() {
    return hopCount;
  }

  /**
   * These hops and the proxies of {@code table}'s other clouds, when their {@code Frontend} is an IP
   * address: a peer oscope has already replaced what its own clients sent, and its {@code
   * X-Forwarded-For} carries the original client on.
   */
  TrustedHops withPeersOf(RouteTable table) {
    Set<String> peers = new HashSet<>(addresses);
    for (String cloud : table.clouds()) {
      Pool frontend = table.frontendOf(cloud);
      if (cloud.equals(table.localCloud()) || frontend == null) continue;
      for (HostPort address : frontend.addresses()) {
        String host = address.host();
        byte[] literal = literal(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        if (literal != null) peers.add(hostAddress(literal));
      }
    }
    return new TrustedHops(specs, peers, blocks, hopCount);
  }

  /** Whether the forwarding headers of the direct peer {@code peer} are passed on: it is a hop believed. */
  boolean believes(String peer) {
    return hopCount > 0 || trusts(peer);
  }

  /**
   * The client of a request from the direct peer {@code peer} whose {@code X-Forwarded-For}
   * entries are {@code forwardedFor}, left to right: walking from the right, the first hop not
   * believed, as {@link InetAddress#getHostAddress()} writes it.
   */
  String client(String peer, List<String> forwardedFor) {
    String client = peer;
    int counted = hopCount;
    boolean believed = counted-- > 0 || trusts(peer);
    for (int i = forwardedFor.size() - 1; i >= 0 && believed; i--) {
      byte[] entry = entry(forwardedFor.get(i));
      if (entry == null) break; // not an address: the hop that wrote it is the last one known
      client = hostAddress(entry);
      believed = counted-- > 0 || trusts(client);
    }
    return client;
  }

  /**
   * The bytes of an {@code X-Forwarded-For} entry: an IPv4 or IPv6 literal, an IPv6 one in
   * brackets, either with a port (some balancers add one); null for anything else.
   */
  private static byte[] entry(String text) {
    String entry = text.strip();
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      return close < 0 ? null : literal(entry.substring(1, close));
    }
    int colon = entry.indexOf(':');
    if (colon >= 0 && colon == entry.lastIndexOf(':')) entry = entry.substring(0, colon); // IPv4:port
    return literal(entry);
  }

  /** {@code address}, an IPv4 or IPv6 literal, as {@link InetAddress#getHostAddress()} writes it; null if it is none. */
  static String normalised(String address) {
    byte[] bytes = literal(address);
    return bytes == null ? null : hostAddress(bytes);
  }

  /** Whether {@code address}, a client's IP address as {@link InetAddress#getHostAddress()} writes it, is trusted. */
  boolean trusts(String address) {
    if (addresses.contains(address)) return true;
    if (blocks.isEmpty()) return false;
    byte[] bytes = literal(address);
    if (bytes == null) return false;
    for (Block block : blocks) {
      if (block.contains(bytes)) return true;
    }
    return false;
  }

  /** The entries as given. */
  public List<String> specs() {
    return specs;
  }

  @Override
  public String toString() {
    String listed = String.join(", ", specs);
    if (hopCount == 0) return listed;
    return (listed.isEmpty() ? "" : listed + ", ") + "the last " + hopCount + " hop" + (hopCount == 1 ? "" : "s");
  }

  /** The bytes of an IPv4 or IPv6 literal, or {@code null} if {@code text} is neither (never a lookup). */
  private static byte[] literal(String text) {
    if (text.indexOf(':') >= 0) {
      // Hex digits, colons and dots only (an IPv4 tail): InetAddress never looks such text up.
      if (!text.chars().allMatch(c -> c == ':' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
          || c >= 'A' && c <= 'F')) {
        return null;
      }
      try {
        return InetAddress.getByName(text).getAddress();
      } catch (UnknownHostException | SecurityException e) {
        return null;
      }
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) return null;
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
      int value = Integer.parseInt(part);
      if (value > 255) return null;
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  private static String hostAddress(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
    }
  }
}
