package io.oscope.proxy;

import io.oscope.http1.Http1Violation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every error the proxy itself answers with. {@link ErrorMapper} turns each into a status and an
 * OpenStack-style JSON body; nothing else formats error responses.
 */
public sealed interface ProxyError {

  /** The HTTP status code. */
  int status();

  /** What went wrong, for the body's {@code message}: names the problem, never a token. */
  String message();

  /** The scope could not be decoded. */
  record MalformedScope(String source, String problem) implements ProxyError {
    public int status() { return 400; }
    public String message() { return "Malformed scope in " + source + ": " + problem; }
  }

  /** The scope names a cloud that is not in the route table. */
  record UnknownCloud(String serviceType, String cloud, Set<String> known) implements ProxyError {
    public int status() { return 400; }
    public String message() {
      return "The scope sends service type '" + serviceType + "' to unknown cloud '" + cloud
          + "'; known clouds: " + String.join(", ", known);
    }
  }

  /** The scope composes clouds in a way the proxy does not route (yet), e.g. {@code A & B | C}. */
  record UnsupportedExpression(String serviceType, String expression, String why) implements ProxyError {
    public int status() { return 400; }
    public String message() {
      return "The scope's expression '" + expression + "' for service type '" + serviceType + "' is not supported yet: "
          + why;
    }
  }

  /** A write ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE}) the scope would send to several clouds at once. */
  record ReplicatedWrite(String serviceType, String method, String expression) implements ProxyError {
    public int status() { return 400; }
    public String message() {
      return "The scope sends service type '" + serviceType + "' to all of '" + expression + "': replicated writes ("
          + method + ") are not supported; name one cloud, or clouds joined with '|'";
    }
  }

  /** The scope sends a service to a cloud that does not offer it on that interface. */
  record ServiceNotInCloud(String serviceType, String iface, String cloud) implements ProxyError {
    public int status() { return 400; }
    public String message() {
      return "Cloud '" + cloud + "' has no " + serviceType + " service on the " + iface + " interface";
    }
  }

  /** A request that is not valid HTTP/1.1 (400), or over one of the codec's limits (414, 431). */
  record InvalidRequest(int status, String problem) implements ProxyError {
    public String message() {
      return status == 400 ? "Malformed HTTP request: " + problem
          : Character.toUpperCase(problem.charAt(0)) + problem.substring(1);
    }
  }

  /** The error a request the codec refused gets. */
  static ProxyError of(Http1Violation violation) {
    return new InvalidRequest(violation.status(), violation.problem());
  }

  /** The client did not send its request head, or a request body stalled, for too long. */
  record RequestTimeout(String part, Duration limit) implements ProxyError {
    public int status() { return 408; }
    public String message() { return "The client did not send " + part + " within " + limit.toMillis() + " ms"; }
  }

  /** A request addressed to this proxy at a path where no service is published. */
  record NoService(String authority, String path) implements ProxyError {
    public int status() { return 404; }
    public String message() { return "No service is published at " + authority + path; }
  }

  /** A request for a destination that is neither in the route table nor allowed. */
  record ForbiddenDestination(String authority) implements ProxyError {
    public int status() { return 403; }
    public String message() {
      return "Destination " + authority + " is neither a service of the route table nor allowed with --allow";
    }
  }

  /** CONNECT tunnels are not offered to destinations outside the allowed list. */
  record ConnectNotAllowed(String target) implements ProxyError {
    public int status() { return 405; }
    public String message() { return "CONNECT to " + target + " is not allowed"; }
  }

  /** The request already passed through this proxy. */
  record Loop(String via) implements ProxyError {
    public int status() { return 508; }
    public String message() { return "Request loop: this proxy (" + via + ") is already in the request's Via header"; }
  }

  /** The upstream refused the connection or closed it before answering. */
  record UpstreamUnavailable(String upstream, String why) implements ProxyError {
    public int status() { return 502; }
    public String message() { return "Upstream " + upstream + " is unavailable: " + why; }
  }

  /**
   * The upstream refused the connection: nothing was sent, so the client may safely try again.
   * 503, as HAProxy and Envoy answer, which OpenStack's clients (keystoneauth, glanceclient in Nova)
   * retry; a 502 they do not.
   */
  record UpstreamRefused(String upstream) implements ProxyError {
    public int status() { return 503; }
    public String message() { return "Upstream " + upstream + " refused the connection"; }
  }

  /**
   * The upstream has {@code limit} connections in use ({@code --max-upstream-connections}): refused
   * at once, nothing sent, as Envoy's circuit breaker answers. 503: clients retry it.
   */
  record UpstreamBusy(String upstream, int limit) implements ProxyError {
    public int status() { return 503; }
    public String message() {
      return "Upstream " + upstream + " is at its limit of " + limit + " connections in use (--max-upstream-connections)";
    }
  }

  /** Every address of an upstream pool is down: answered at once, without waiting for a timeout. */
  record NoHealthyUpstream(String upstream, String pool) implements ProxyError {
    public int status() { return 503; }
    public String message() { return "Every address of " + upstream + " (" + pool + ") is down"; }
  }

  /** A bug in the proxy: logged with its stack; the client is told no more. */
  record Internal() implements ProxyError {
    public int status() { return 500; }
    public String message() { return "The proxy failed to handle this request; the error is in its log"; }
  }

  /** The upstream did not connect or answer in time. */
  record UpstreamTimeout(String upstream, String phase, Duration limit) implements ProxyError {
    public int status() { return 504; }
    public String message() {
      return "Upstream " + upstream + " did not " + phase + " within " + limit.toMillis() + " ms";
    }
  }

  /** A merged list ({@code &}) cannot be served as asked: a marker it did not issue, a bad {@code limit}. */
  record BadFanOutList(String problem) implements ProxyError {
    public int status() { return 400; }
    public String message() { return "Cannot list across clouds: " + problem; }
  }

  /**
   * Clouds of a fan-out ({@code &}) failed and the policy ({@code --fan-out-failure fail}, or every
   * cloud failed) says the whole request fails: each failed cloud and why, in the expression's order.
   */
  record FanOutFailed(Map<String, String> failures) implements ProxyError {
    public int status() { return 502; }
    public String message() {
      StringBuilder text = new StringBuilder("Clouds of the fan-out failed: ");
      failures.forEach((cloud, why) -> text.append(cloud).append(" (").append(why).append("); "));
      return text.substring(0, text.length() - 2);
    }
  }

  /** No cloud of a fan-out ({@code &}) has the resource; {@code unanswered} did not say (partial policy). */
  record NotFoundInAnyCloud(List<String> clouds, List<String> unanswered) implements ProxyError {
    public int status() { return 404; }
    public String message() {
      return "Not found in " + String.join(", ", clouds)
          + (unanswered.isEmpty() ? "" : "; " + String.join(", ", unanswered) + " did not answer");
    }
  }

  /** The token's project is in maintenance mode and the call would change state (OpenStack's 409 for a busy resource). */
  record ProjectInMaintenance(String projectId, String projectName, String reason, String since) implements ProxyError {
    public int status() { return 409; }
    public String message() {
      return "Project " + (projectName == null ? projectId : projectName + " (" + projectId + ")")
          + " is in maintenance" + (since == null ? "" : " since " + since) + ": " + reason
          + "; reads work, changes are refused until it ends";
    }
  }

  /** A tenant policy needs what Keystone cannot tell now (who the token is, a project's state). */
  record TenantUnknown(String reason) implements ProxyError {
    public int status() { return 503; }
    public String message() { return "The proxy cannot check this request's project now, try again: " + reason; }
  }

  /** Sending a service to another cloud needs a role the token has not ({@code remote_roles} of the tenant policy). */
  record RoleRequired(String serviceType, String cloud, Set<String> roles) implements ProxyError {
    public int status() { return 403; }
    public String message() {
      return "Sending service type '" + serviceType + "' to cloud " + cloud + " needs one of the roles "
          + String.join(", ", new java.util.TreeSet<>(roles)) + ", which this token does not have";
    }
  }

  /** The token's project may not use the cloud ({@code project_clouds} of the tenant policy). */
  record CloudNotAllowed(String projectId, String cloud, Set<String> allowed) implements ProxyError {
    public int status() { return 403; }
    public String message() {
      return "Project " + projectId + " may not use cloud " + cloud + "; it may use "
          + String.join(", ", new java.util.TreeSet<>(allowed));
    }
  }
}
