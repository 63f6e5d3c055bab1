package io.oscope.cli;

import io.oscope.demo.DemoClouds;
import io.oscope.reload.Signals;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code oscope demo}: two clouds' proxies and stand-in services on loopback, and what to try. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run two clouds' proxies with stand-in services on loopback and print curl commands to try.")
final class DemoCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--cloud-one-port", defaultValue = "8881", description = "CloudOne's proxy port (default: ${DEFAULT-VALUE}).")
  int onePort = 8881;

  @Option(names = "--cloud-two-port", defaultValue = "8882", description = "CloudTwo's proxy port (default: ${DEFAULT-VALUE}).")
  int twoPort = 8882;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec != null ? spec.commandLine().getOut() : new PrintWriter(System.out, true);
    DemoClouds demo;
    try {
      demo = DemoClouds.start(onePort, twoPort);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot start the demo on ports " + onePort + " and " + twoPort
          + " (" + e.getMessage() + "); choose others with --cloud-one-port and --cloud-two-port", e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Signals.onTerminate(() -> {
      demo.close();
      stopped.countDown();
    });
    String one = "http://127.0.0.1:" + onePort;
    out.printf("""

        oscope demo: two clouds on loopback, each behind its own oscope proxy.
          CloudOne  proxy %1$s   identity at /identity/v3, image at /image
          CloudTwo  proxy http://127.0.0.1:%2$d   identity at /keystone/v3, image at /glance
        The services are stand-ins that answer with what they received.

        Paste these in another terminal:

          # 1. No scope: CloudOne's own image service answers ("cloud": "CloudOne").
          curl -s %1$s/image/v2/images -H 'X-Auth-Token: demo-token'

          # 2. The scope rides on the token: CloudTwo's image service answers, at its own
          #    path (/glance/v2/images), through CloudTwo's proxy (see "via").
          curl -s %1$s/image/v2/images -H 'X-Auth-Token: demo-token!SCOPE!{"image": "CloudTwo"}'

          # 3. A scope naming a cloud nobody knows: a clear 400, and nothing is forwarded.
          curl -s -i %1$s/image/v2/images -H 'X-Scope: {"image": "CloudThree"}'

        Route file in use (the OpenStackoïd prototype's services.json format):
        %3$s
        Press Ctrl-C to stop.
        """, one, twoPort, demo.routeFile().strip());
    out.flush();
    stopped.await();
    return Oscope.OK;
  }
}
