package io.oscope.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code oscope} in its own JVM, as an operator runs it, with its log readable line by line. */
public final class ProxyProcess implements AutoCloseable {
  private final Process process;
  private final BufferedReader log;
  /** Every line read so far. */
  private final List<String> lines = new ArrayList<>();

  private ProxyProcess(Process process) {
    this.process = process;
    this.log = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts {@code java <jvmOptions> io.oscope.cli.Oscope <args>} on the test's class path. */
  public static ProxyProcess start(List<String> jvmOptions, String... args) throws IOException {
    return start(Map.of(), jvmOptions, args);
  }

  /** {@link #start(List, String...)} with {@code environment} added to the test's. */
  public static ProxyProcess start(Map<String, String> environment, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+ExitOnOutOfMemoryError"); // as bin/oscope starts it
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.oscope.cli.Oscope"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return new ProxyProcess(builder.start());
  }

  /** Reads the log (echoing it) until a line contains {@code text}; fails if the process exits first. */
  public String awaitLine(String text) throws IOException {
    for (String line; (line = log.readLine()) != null; ) {
      System.out.println("oscope: " + line);
      lines.add(line);
      if (line.contains(text)) return line;
    }
    throw new IllegalStateException("oscope exited (" + (process.isAlive() ? "still running" : "exit " + process.exitValue()) + ") before logging '" + text + "'");
  }

  /** Every line of the log, once the process has exited: its output is read to its end. */
  public List<String> allLines() throws IOException {
    for (String line; (line = log.readLine()) != null; ) lines.add(line);
    return List.copyOf(lines);
  }

  /** Echoes the rest of the log in the background. */
  public void drain() {
    Thread thread = new Thread(() -> log.lines().forEach(line -> System.out.println("oscope: " + line)), "oscope-log");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits for the process to exit and returns its exit status. */
  public int waitFor(java.time.Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("oscope did not exit within " + limit);
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a Unix signal, e.g. {@code HUP}. */
  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
