package io.oscope.http1;

/**
 * A message that breaks HTTP/1.1 as this codec reads it: the codec's only error. Requests are
 * refused with {@link #status()} (400, 414 or 431); a response that breaks the rules is one the
 * proxy will not relay (status 502).
 *
 * <pre>{@code
 * throw new Http1Violation(400, "both Content-Length and Transfer-Encoding");
 * }</pre>
 */
public final class Http1Violation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String problem;

  /** @param problem what is wrong, in a few words: never a header's value */
  public Http1Violation(int status, String problem) {
    super(problem, null, false, false);
    this.status = status;
    this.problem = problem;
  }

  /** A request that breaks the grammar or the framing rules (400). */
  static Http1Violation malformed(String problem) {
    return new Http1Violation(400, problem);
  }

  /** A response the proxy will not relay (502). */
  static Http1Violation invalidResponse(String problem) {
    return new Http1Violation(502, problem);
  }

  /** The status the peer's message earns: 400, 414, 431 for requests, 502 for responses. */
  public int status() {
    return status;
  }

  /** What is wrong, e.g. "a folded header line". */
  public String problem() {
    return problem;
  }
}
