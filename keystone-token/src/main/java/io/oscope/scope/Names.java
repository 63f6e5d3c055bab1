package io.oscope.scope;

/**
 * The rule for cloud names and service types: both travel in HTTP headers and JSON, so both must
 * be non-empty RFC 7230 tokens of at most {@value #MAX_LENGTH} characters; and since a scope's
 * value is a {@link CloudExpression}, neither may contain its operators {@code &} and {@code |}
 * (parentheses are no token characters anyway).
 */
public final class Names {
  /** Longest accepted cloud name or service type. */
  public static final int MAX_LENGTH = 64;

  /** The characters besides letters and digits that a name may contain, for messages. */
  public static final String PUNCTUATION = "!#$%'*+-.^_`~";

  /** What a valid name is, for messages. */
  public static final String RULE = "1 to " + MAX_LENGTH + " letters, digits or " + PUNCTUATION;

  private static final boolean[] TCHAR = new boolean[128];
  private static final boolean[] NAME = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
    for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
    System.arraycopy(TCHAR, 0, NAME, 0, TCHAR.length);
    NAME['&'] = false;
    NAME['|'] = false;
  }

  private Names() {}

  /** Whether {@code c} may be in an RFC 9110 token (a header name, a cloud name): tchar. */
  public static boolean isTokenChar(int c) {
    return c >= 0 && c < 128 && TCHAR[c];
  }

  /** Whether {@code c} may be in a cloud name or service type: a token character but {@code &} or {@code |}. */
  public static boolean isNameChar(int c) {
    return c >= 0 && c < 128 && NAME[c];
  }

  /** Whether {@code name} is a valid cloud name or service type. */
  public static boolean isValid(CharSequence name) {
    int length = name.length();
    if (length == 0 || length > MAX_LENGTH) return false;
    for (int i = 0; i < length; i++) {
      if (!isNameChar(name.charAt(i))) return false;
    }
    return true;
  }

  /** Why {@code name} is invalid, for error messages; call only when {@link #isValid} is false. */
  public static String whyInvalid(CharSequence name) {
    if (name.length() == 0) return "is empty";
    if (name.length() > MAX_LENGTH) return "is longer than " + MAX_LENGTH + " characters";
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '&' || c == '|' || c == '(' || c == ')') {
        return "may not contain '" + c + "': &, |, ( and ) compose cloud expressions in scopes";
      }
    }
    return "may only contain letters, digits and " + PUNCTUATION;
  }
}
