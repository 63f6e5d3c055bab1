package io.oscope.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaintenanceCallsTest {

  @ParameterizedTest(name = "{0} {1} {2} allowed: {3}")
  @CsvSource({
      // The seed's read-only actions: listing servers, images, networks.
      "compute,  GET,     /servers/detail,                   true",
      "image,    GET,     /v2/images,                        true",
      "image,    HEAD,    /v2/images/1234,                   true",
      "network,  GET,     /v2.0/networks,                    true",
      "compute,  OPTIONS, /,                                 true",
      // Logging in, validating and revoking tokens, with and without /v3 in the endpoint.
      "identity, POST,    /v3/auth/tokens,                   true",
      "identity, POST,    /auth/tokens,                      true",
      "identity, DELETE,  /v3/auth/tokens,                   true",
      "identity, POST,    /identity/v3/auth/tokens,          true",
      "identity, POST,    /identity/v3/users,                false",
      // Creating, deleting, suspending servers.
      "compute,  POST,    /servers,                          false",
      "compute,  DELETE,  /servers/1234,                     false",
      "compute,  POST,    /servers/1234/action,              false",
      "compute,  PUT,     /servers/1234,                     false",
      // Images, their data, networks, ports, volumes, placement.
      "image,    POST,    /v2/images,                        false",
      "image,    PUT,     /v2/images/1234/file,              false",
      "image,    PATCH,   /v2/images/1234,                   false",
      "image,    DELETE,  /v2/images/1234,                   false",
      "network,  POST,    /v2.0/networks,                    false",
      "network,  PUT,     /v2.0/ports/1234,                  false",
      "network,  DELETE,  /v2.0/subnets/1234,                false",
      "volumev3, POST,    /v3/p/volumes,                     false",
      "placement, PUT,    /allocations/1234,                 false",
      // Identity writes other than authentication.
      "identity, POST,    /v3/users,                         false",
      "identity, PATCH,   /v3/projects/1234,                 false",
      "identity, DELETE,  /v3/auth/tokens-but-not-really,    false",
      // The exemptions are identity's only: another service's /auth/ is a write like any other.
      "compute,  POST,    /auth/tokens,                      false",
  })
  void readsAndAuthenticationPassEverythingElseIsAWrite(String service, String method, String path, boolean allowed) {
    assertThat(MaintenanceCalls.allowed(service, HttpMethod.valueOf(method), path)).isEqualTo(allowed);
  }
}
