import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.beam.fn.harness.ExternalWorkerService;
import org.apache.beam.runners.fnexecution.artifact.ArtifactRetrievalService;
import org.apache.beam.sdk.expansion.service.ExpansionService;
import org.apache.beam.sdk.expansion.service.ExpansionServiceOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.vendor.grpc.v1p69p0.io.grpc.Server;
import org.apache.beam.vendor.grpc.v1p69p0.io.grpc.netty.NettyServerBuilder;

/**
 * Refusal Monitor's Beam Java expansion service for local runs: listens on 127.0.0.1 only.
 *
 * <p>Usage: {@code LocalExpansionServer <port> [Beam pipeline options ...]}
 *
 * <p>One gRPC server on 127.0.0.1:port carries:
 *
 * <ul>
 *   <li>the ExpansionService (Python's ReadFromKafka expands KafkaIO here),
 *   <li>the ArtifactRetrievalService (the Python SDK resolves the Java environment's artifacts),
 *   <li>with {@code --alsoStartLoopbackWorker}: a BeamFnExternalWorkerPool, so that the expanded
 *       transforms carry an EXTERNAL environment pointing back at this port and the runner starts
 *       Java SDK workers inside this JVM (no Docker, no per-job JVM).
 * </ul>
 *
 * <p>The server prints a line starting with {@code READY} once it accepts calls; the Python side
 * waits for it. SIGTERM shuts it down.
 *
 * <p>Note: the vendored gRPC package name (v1p69p0) follows the Beam version; a Beam upgrade may
 * need it changed (javac then fails with a clear "package does not exist").
 */
public final class LocalExpansionServer {
  private static final String HOST = "127.0.0.1";

  private LocalExpansionServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: LocalExpansionServer <port> [pipeline options ...]");
      System.exit(2);
    }
    final int port = Integer.parseInt(args[0]);
    String[] beamArgs = Arrays.copyOfRange(args, 1, args.length);

    PipelineOptionsFactory.register(ExpansionServiceOptions.class);
    PipelineOptions options = PipelineOptionsFactory.fromArgs(beamArgs).create();
    boolean withWorker = options.as(ExpansionServiceOptions.class).getAlsoStartLoopbackWorker();

    // The second argument is the address written into the EXTERNAL environment of expanded
    // transforms: the runner dials it to ask this JVM for Java workers.
    final ExpansionService expansion = new ExpansionService(options, HOST + ":" + port);
    final ExternalWorkerService workers = withWorker ? new ExternalWorkerService(options) : null;

    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(HOST, port))
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .addService(expansion)
            .addService(new ArtifactRetrievalService());
    if (workers != null) {
      builder.addService(workers);
    }
    final Server server = builder.build();
    server.start();

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  try {
                    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                      server.shutdownNow();
                    }
                  } catch (InterruptedException e) {
                    server.shutdownNow();
                    Thread.currentThread().interrupt();
                  }
                  if (workers != null) {
                    workers.close();
                  }
                  try {
                    expansion.close();
                  } catch (Exception e) {
                    // shutting down anyway
                  }
                },
                "local-expansion-server-shutdown"));

    System.out.println(
        "READY expansion service on " + HOST + ":" + port + (withWorker ? " (with Java worker pool)" : ""));
    System.out.flush();
    server.awaitTermination();
  }
}
