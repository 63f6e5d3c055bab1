package io.oscope.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which reads a 404 of one alternative of {@code A | B} sends on to the next: those of one resource. */
class SingleResourceTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "/v2/images/6a2c0b47-5d6d-4ae5-9c5f-8f7d0c3f2b1e", "/image/v2/images/6a2c0b47-5d6d-4ae5-9c5f-8f7d0c3f2b1e?x=1",
      "/v3/projects/0c2b6a7d8e9f4d2a9f4e0c2b6a7d8e9f", "/compute/v2.1/servers/42", "/compute/v2.1/flavors/m1.tiny",
      "/v2/images/6a2c0b47-5d6d-4ae5-9c5f-8f7d0c3f2b1e/", "/v3/projects/abcdefabcdefabcdefabcdefabcdefab"})
  void aReadOfOneResource(String path) {
    assertThat(SingleResource.isRead(HttpMethod.GET, path)).isTrue();
    assertThat(SingleResource.isRead(HttpMethod.HEAD, path)).isTrue();
    assertThat(SingleResource.isRead(HttpMethod.DELETE, path)).as("not a read").isFalse();
    assertThat(SingleResource.isRead(HttpMethod.POST, path)).as("not a read").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/v2/images", "/v2/images?limit=2&marker=6a2c0b47-5d6d-4ae5-9c5f-8f7d0c3f2b1e", "/compute/v2.1/servers/detail",
      "/compute/v2.1", "/identity/v3/", "/", "", "/compute/v2.1/os-keypairs/mykey", "/v2.0/networks"})
  void notAReadOfOneResource(String path) {
    assertThat(SingleResource.isRead(HttpMethod.GET, path)).isFalse();
  }
}
