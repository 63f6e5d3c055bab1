package io.oscope.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of the scope codec over generated inputs. Seeds are fixed so a failure reproduces;
 * the seed of a failing case is in the assertion message.
 */
class ScopePropertyTest {
  private static final String TCHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%'*+-.^_`~";
  private static final String JSON_ALPHABET = "{}[]\":, \\u0aAbZ9-.tfn\n\t\u00e9\u0001&|()";

  @Test
  void everyValidScopeSurvivesARoundTrip() {
    for (long seed = 0; seed < 5_000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Map<String, String> entries = new HashMap<>();
      int size = random.nextInt(6);
      for (int i = 0; i < size; i++) entries.put(name(random), name(random));
      Scope scope = Scope.of(entries);

      assertThat(Scope.parse(scope.toJson())).as("seed %d", seed).isEqualTo(scope);
      assertThat(ScopedToken.split(ScopedToken.join("tok", scope)).scope()).as("seed %d", seed).isEqualTo(scope);
    }
  }

  @Test
  void anyInputEitherParsesOrFailsWithTheDocumentedException() {
    for (long seed = 0; seed < 20_000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      String input = random.nextBoolean() ? noise(random) : mutate(random);
      long caseSeed = seed;
      assertThatCode(() -> {
            try {
              Scope parsed = Scope.parse(input);
              // What parses must print back to something that parses to the same scope.
              assertThat(Scope.parse(parsed.toJson())).isEqualTo(parsed);
            } catch (MalformedScopeException expected) {
              assertThat(expected.getMessage()).isNotBlank();
            }
          })
          .as("seed %d, input %s", caseSeed, input)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void everyTruncationOfAValidScopeFailsWithTheDocumentedException() {
    for (long seed = 0; seed < 500; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Map<String, String> entries = new HashMap<>();
      for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) entries.put(name(random), name(random));
      String json = random.nextBoolean() ? Scope.of(entries).toJson() : Scope.of(entries).toJson().replace(":", ": ").replace(",", ", ");
      for (int end = 0; end < json.length(); end++) {
        String prefix = json.substring(0, end);
        assertThatCode(() -> {
              try {
                Scope.parse(prefix);
              } catch (MalformedScopeException expected) {
                assertThat(expected.getMessage()).isNotBlank();
              }
            })
            .as("input %s", prefix)
            .doesNotThrowAnyException();
      }
    }
  }

  private static String name(SplittableRandom random) {
    int length = 1 + random.nextInt(12);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) out.append(TCHARS.charAt(random.nextInt(TCHARS.length())));
    return out.toString();
  }

  private static String noise(SplittableRandom random) {
    int length = random.nextInt(40);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) out.append(JSON_ALPHABET.charAt(random.nextInt(JSON_ALPHABET.length())));
    return out.toString();
  }

  /** A valid scope with a few characters replaced, inserted or removed. */
  private static String mutate(SplittableRandom random) {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
      entries.put(name(random), name(random));
    }
    StringBuilder json = new StringBuilder(Scope.of(entries).toJson());
    for (int i = 0, n = 1 + random.nextInt(3); i < n && json.length() > 0; i++) {
      int at = random.nextInt(json.length());
      char c = JSON_ALPHABET.charAt(random.nextInt(JSON_ALPHABET.length()));
      switch (random.nextInt(3)) {
        case 0 -> json.setCharAt(at, c);
        case 1 -> json.insert(at, c);
        default -> json.deleteCharAt(at);
      }
    }
    return json.toString();
  }
}
