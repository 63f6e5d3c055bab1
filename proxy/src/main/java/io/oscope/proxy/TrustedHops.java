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
 * The direct peers whose forwarding headers ({@code X-Forwarded-For/-Proto/-Host}, {@code
 * Forwarded}) oscope passes on: IP addresses and CIDR blocks, as {@code --trusted-proxy} gives
 * them. From any other peer those headers are replaced by what oscope saw, so a client cannot make
 * a backend believe it comes from elsewhere. Names are not resolved: a hop is an address.
 *
 * <pre>{@code TrustedHops.parse(List.of("10.0.0.0/8", "192.0.2.7")).trusts("10.1.2.3") // true}</pre>
 */
public final class TrustedHops {
  private static final TrustedHops NONE = new TrustedHops(List.of(), Set.of(), List.of());

  private final List<String> specs;
  /** Single addresses, as {@link InetAddress#getHostAddress()} writes them: how clients' are written. */
  private final Set<String> addresses;
  private final List<Block> blocks;

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

  private TrustedHops(List<String> specs, Set<String> addresses, List<Block> blocks) {
    this.specs = List.copyOf(specs);
    this.addresses = Set.copyOf(addresses);
    this.blocks = List.copyOf(blocks);
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
    return new TrustedHops(specs, addresses, blocks);
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
    return new TrustedHops(specs, peers, blocks);
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
    return String.join(", ", specs);
  }

  /** The bytes of an IPv4 or IPv6 literal, or {@code null} if {@code text} is neither (never a lookup). */
  private static byte[] literal(String text) {
    if (text.indexOf(':') >= 0) {
      try {
        return InetAddress.getByName(text).getAddress(); // a literal with a colon is never looked up
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
