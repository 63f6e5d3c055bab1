package io.oscope.scope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopedTokenTest {

  @Test
  void splitsTheScopeOffTheToken() {
    ScopedToken token = ScopedToken.split("gAAAAABk-token!SCOPE!{\"image\": \"CloudTwo\"}");

    assertThat(token.token()).isEqualTo("gAAAAABk-token");
    assertThat(token.scopeJson()).isEqualTo("{\"image\": \"CloudTwo\"}");
    assertThat(token.scope().cloudOf("image")).isEqualTo("CloudTwo");
  }

  @Test
  void aTokenWithoutSeparatorHasNoScope() {
    ScopedToken token = ScopedToken.split("gAAAAABk-token");

    assertThat(token.hasScope()).isFalse();
    assertThat(token.scope()).isEqualTo(Scope.empty());
  }

  @Test
  void joinIsTheInverseOfSplit() {
    Scope scope = Scope.of(Map.of("image", "CloudTwo", "identity", "CloudOne"));

    String header = ScopedToken.join("abc", scope);

    assertThat(header).isEqualTo("abc!SCOPE!{\"identity\":\"CloudOne\",\"image\":\"CloudTwo\"}");
    assertThat(ScopedToken.split(header).token()).isEqualTo("abc");
    assertThat(ScopedToken.split(header).scope()).isEqualTo(scope);
  }

  @Test
  void neverShowsTheTokenInToString() {
    assertThat(ScopedToken.split("secret-token!SCOPE!{}").toString()).doesNotContain("secret-token");
  }
}
