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

  @Test
  void findsTheScopeInBytesAsInTheString() {
    for (String value : new String[] {"tok!SCOPE!{}", "!SCOPE!{\"a\":\"B\"}", "tok!SCOPE", "tok!SCOPX!{}", "t!!SCOPE!x",
        "no scope", "", "tok!SCOPE!"}) {
      byte[] framed = ("ab" + value + "cd").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      int inString = ScopedToken.scopeStart(value);
      int inBytes = ScopedToken.scopeStart(framed, 2, 2 + value.length());
      assertThat(inBytes).as(value).isEqualTo(inString < 0 ? -1 : inString + 2);
    }
  }
}
