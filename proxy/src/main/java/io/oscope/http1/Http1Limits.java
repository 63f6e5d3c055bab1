package io.oscope.http1;

/**
 * The sizes the codec accepts, in bytes; anything larger is refused, never buffered.
 *
 * @param requestLine a request line (414 beyond)
 * @param headerSection a request's header section, request line excluded (431 beyond)
 * @param responseHead a response's head (502 beyond)
 * @param trailerSection the trailer section of a chunked body, either way
 * @param chunkLine a chunk's size line with its extensions
 */
public record Http1Limits(int requestLine, int headerSection, int responseHead, int trailerSection, int chunkLine) {

  public Http1Limits {
    if (requestLine < 16 || headerSection < 16 || responseHead < 16 || trailerSection < 16 || chunkLine < 16) {
      throw new IllegalArgumentException("HTTP/1.1 limits must be at least 16 bytes: " + this);
    }
  }

  /** 16 KiB request lines, 64 KiB header sections, heads and trailers, 4 KiB chunk lines. */
  public static Http1Limits defaults() {
    return new Http1Limits(16 * 1024, 64 * 1024, 64 * 1024, 64 * 1024, 4096);
  }
}
