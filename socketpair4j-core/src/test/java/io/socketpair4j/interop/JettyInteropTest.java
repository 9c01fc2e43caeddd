package io.socketpair4j.interop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.socketpair4j.SocketPair;
import io.socketpair4j.SocketStreams;
import io.socketpair4j.UnixSelectorProvider;
import io.socketpair4j.UnixSocketPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jetty 12, a selector-based HTTP server, serving HTTP/1.1 over socket pair ends. Jetty's own
 * connectors accept from a listening socket; {@link PairConnector} is the connector a user would
 * write to serve ends handed to it (for example the end of a pair whose other end went to a child
 * process): Jetty's {@link SelectorManager} takes each end as an accepted connection. On a native
 * pair its selectors come from {@link UnixSelectorProvider}; a {@link SocketPair}'s JDK ends use
 * the default provider, and then share a server with a TCP connector.
 */
@Timeout(60)
class JettyInteropTest {
  private static final long WAIT_SECONDS = 20;

  private Server server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  /**
   * A Jetty connector with no listening socket: {@link #serve} hands it a connected end, which its
   * selector manager registers with one of its selectors, opened by {@code provider}.
   */
  static final class PairConnector extends AbstractConnector {
    private final SelectorManager manager;
    final LinkedBlockingQueue<EndPoint> closed = new LinkedBlockingQueue<>();

    PairConnector(Server server, SelectorProvider provider) {
      super(server, null, null, null, 0, new HttpConnectionFactory());
      manager = new Manager(getExecutor(), getScheduler(), provider);
      addBean(manager, true);
    }

    /** Serves HTTP on {@code end} until the peer or the server closes it. */
    void serve(SocketChannel end) throws IOException {
      end.configureBlocking(false);
      manager.accept(end);
    }

    @Override
    protected void accept(int acceptorID) {
      throw new UnsupportedOperationException("a PairConnector has no acceptors");
    }

    @Override
    public Object getTransport() {
      return manager;
    }

    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
      super.onEndPointClosed(endPoint);
      closed.add(endPoint);
    }

    private final class Manager extends SelectorManager {
      private final SelectorProvider provider;

      Manager(Executor executor, Scheduler scheduler, SelectorProvider provider) {
        super(executor, scheduler, 1);
        this.provider = provider;
      }

      @Override
      protected Selector newSelector() throws IOException {
        return provider.openSelector();
      }

      @Override
      protected EndPoint newEndPoint(
          SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint =
            new SocketChannelEndPoint((SocketChannel) channel, selector, key, getScheduler());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
      }

      @Override
      public Connection newConnection(
          SelectableChannel channel, EndPoint endPoint, Object attachment) {
        return getDefaultConnectionFactory().newConnection(PairConnector.this, endPoint);
      }

      @Override
      protected void endPointOpened(EndPoint endPoint) {
        super.endPointOpened(endPoint);
        onEndPointOpened(endPoint);
      }

      @Override
      protected void endPointClosed(EndPoint endPoint) {
        onEndPointClosed(endPoint);
        super.endPointClosed(endPoint);
      }
    }
  }

  /** {@code GET /x} answers {@code hello /x}; {@code POST} echoes the request's body. */
  static final class HelloOrEcho extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (request.getMethod().equals("POST")) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, request.getLength());
        Content.copy(request, response, callback);
      } else {
        String body = "hello " + Request.getPathInContext(request); // ASCII: a byte per char
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length());
        Content.Sink.write(response, true, body, callback);
      }
      return true;
    }
  }

  /** An HTTP/1.1 response as read off the wire. */
  record HttpResponse(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, US_ASCII);
    }
  }

  private static void send(OutputStream out, String method, String path, byte[] body, boolean close)
      throws IOException {
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: pair\r\nContent-Length: "
            + body.length
            + "\r\n"
            + (close ? "Connection: close\r\n" : "")
            + "\r\n";
    out.write(head.getBytes(US_ASCII));
    out.write(body);
    out.flush();
  }

  /** Reads one response with a {@code Content-Length}; header names are lower-cased. */
  private static HttpResponse receive(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("end of stream inside a response head: %s", head).isNotNegative();
      head.write(b);
    }
    String[] lines = head.toString(US_ASCII).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    return new HttpResponse(status, headers, body);
  }

  private PairConnector startServer(SelectorProvider provider) throws Exception {
    server = new Server();
    PairConnector connector = new PairConnector(server, provider);
    server.addConnector(connector);
    server.setHandler(new HelloOrEcho());
    server.start();
    return connector;
  }

  @Test
  void jettyServesKeptAliveRequestsOnANativeEndThroughOurSelector() throws Exception {
    PairConnector connector = startServer(UnixSelectorProvider.provider());
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      connector.serve(pair.first());
      InputStream in = pair.second().inputStream();
      OutputStream out = pair.second().outputStream();
      for (String path : new String[] {"/a", "/b", "/c"}) {
        send(out, "GET", path, new byte[0], false);
        HttpResponse response = receive(in);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello " + path);
      }
      assertThat(connector.getConnectedEndPoints()).hasSize(1);

      // "Connection: close": Jetty answers, then closes its end; this end reads the end of stream
      send(out, "GET", "/last", new byte[0], true);
      HttpResponse last = receive(in);
      assertThat(last.text()).isEqualTo("hello /last");
      assertThat(last.headers()).containsEntry("connection", "close");
      assertThat(in.read()).isEqualTo(-1);
      assertThat(connector.closed.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
      assertThat(pair.first().isOpen()).isFalse();
    }
  }

  @Test
  void aBodyLargerThanTheSocketBuffersIsEchoedWhileItIsStillBeingSent() throws Exception {
    PairConnector connector = startServer(UnixSelectorProvider.provider());
    byte[] body = new byte[4 << 20];
    new Random(13).nextBytes(body);
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      connector.serve(pair.first());
      OutputStream out = pair.second().outputStream();
      // Jetty echoes as it reads, so its writes wait for this end to read while the request is
      // still being written: the request goes from another thread, the response is read here
      CompletableFuture<Void> sent = new CompletableFuture<>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  send(out, "POST", "/echo", body, false);
                  sent.complete(null);
                } catch (Throwable e) {
                  sent.completeExceptionally(e);
                }
              });
      HttpResponse response = receive(pair.second().inputStream());
      sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body().length).isEqualTo(body.length);
      assertThat(Arrays.equals(response.body(), body)).as("echoed body equals the sent").isTrue();
    }
  }

  @Test
  void thePeersCloseEndsJettysConnection() throws Exception {
    PairConnector connector = startServer(UnixSelectorProvider.provider());
    try (UnixSocketPair pair = UnixSocketPair.open()) {
      connector.serve(pair.first());
      send(pair.second().outputStream(), "GET", "/x", new byte[0], false);
      assertThat(receive(pair.second().inputStream()).text()).isEqualTo("hello /x");
      pair.second().close(); // while Jetty waits for the next request
      assertThat(connector.closed.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
      assertThat(pair.first().isOpen()).isFalse();
      assertThat(connector.getConnectedEndPoints()).isEmpty();
    }
  }

  @Test
  void aSocketPairsJdkEndAndTcpOnOneJettyServer() throws Exception {
    server = new Server();
    ServerConnector tcp = new ServerConnector(server);
    tcp.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    tcp.setPort(0);
    PairConnector pairs = new PairConnector(server, SelectorProvider.provider());
    server.addConnector(tcp);
    server.addConnector(pairs);
    server.setHandler(new HelloOrEcho());
    server.start();

    try (SocketPair pair = SocketPair.open();
        SocketChannel tcpClient =
            SocketChannel.open(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
      pairs.serve(pair.first());
      SocketStreams streams = SocketStreams.of(pair.second());
      send(streams.outputStream(), "GET", "/pair", new byte[0], false);
      SocketStreams tcpStreams = SocketStreams.of(tcpClient);
      send(tcpStreams.outputStream(), "GET", "/tcp", new byte[0], false);

      assertThat(receive(streams.inputStream()).text()).isEqualTo("hello /pair");
      assertThat(receive(tcpStreams.inputStream()).text()).isEqualTo("hello /tcp");
      byte[] body = "over the pair".getBytes(US_ASCII);
      send(streams.outputStream(), "POST", "/echo", body, false);
      assertThat(receive(streams.inputStream()).body()).isEqualTo(body);

      // the client's close reaches Jetty as the end of the stream (closing the pair would close
      // Jetty's end behind its selector's back, which no selector reports)
      pair.second().close();
      assertThat(pairs.closed.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
      assertThat(pair.first().isOpen()).isFalse();
    }
  }
}
