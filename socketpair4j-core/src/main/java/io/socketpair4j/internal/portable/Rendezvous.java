package io.socketpair4j.internal.portable;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes connected pairs of the JDK's own UNIX-domain {@link SocketChannel}s: one listening socket
 * in a fresh owner-only directory, several connections to it, each verified, then the socket file,
 * the directory and the listener are gone.
 *
 * <p>Each connecting end writes a token right after it connects: a secret of 16 random bytes (from
 * {@link SecureRandom}, new for every rendezvous) and its own index. An accepted connection becomes
 * an end only if its token is there, complete, carries the secret and names an index not yet taken;
 * anything else (a third party that reached the socket, knowing nothing of the secret) is closed,
 * and is never waited for (see {@link #verifyAll()}). A connect can wait only if the listener's
 * backlog is full; a timer closes the listener and the connecting end if the rendezvous takes
 * longer than its timeout, and the rendezvous then fails with {@link SocketTimeoutException}.
 *
 * <p>The connecting end of each pair comes first, the accepted end second; both are in blocking
 * mode.
 */
final class Rendezvous {
  private static final int SECRET_BYTES = 16;
  private static final int TOKEN_BYTES = SECRET_BYTES + Integer.BYTES;
  private static final int BACKLOG_SLACK = 64;
  private static final int MAX_ACCEPTED_STRANGERS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final int RUNNING = 0;
  private static final int DONE = 1;
  private static final int EXPIRED = 2;

  private final int count;
  private final RendezvousSettings settings;
  private final byte[] secret = new byte[SECRET_BYTES];
  private final SocketChannel[] connecting;
  private final SocketChannel[] accepted;
  private final List<SocketChannel> pending = new ArrayList<>();
  private final ByteBuffer received = ByteBuffer.allocateDirect(TOKEN_BYTES + 1);
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private volatile ServerSocketChannel listener;
  private volatile SocketChannel connectingNow; // the end in connect, for the timer to close

  private Rendezvous(int count, RendezvousSettings settings) {
    this.count = count;
    this.settings = settings;
    this.connecting = new SocketChannel[count];
    this.accepted = new SocketChannel[count];
  }

  /**
   * Makes {@code count} connected pairs: element {@code i} holds the connecting end at index 0 and
   * the accepted end at index 1.
   *
   * @throws IOException if the directory cannot be made (the message says where), a socket
   *     operation fails, or the rendezvous does not finish within the timeout ({@link
   *     SocketTimeoutException}); nothing is left open and no file is left behind
   */
  static List<SocketChannel[]> open(int count, RendezvousSettings settings) throws IOException {
    return open(count, settings, address -> {});
  }

  /**
   * As {@link #open(int, RendezvousSettings)}, calling {@code listening} with the listener's
   * address once it listens, before the first end connects: tests connect strangers there.
   */
  static List<SocketChannel[]> open(int count, RendezvousSettings settings, Listening listening)
      throws IOException {
    return new Rendezvous(count, settings).run(listening);
  }

  /** What a test does when the listener listens. */
  @FunctionalInterface
  interface Listening {
    void at(UnixDomainSocketAddress address) throws IOException;
  }

  private List<SocketChannel[]> run(Listening listening) throws IOException {
    RendezvousDirectory dir = RendezvousDirectory.create(settings.baseDirectory());
    ScheduledFuture<?> timer = null;
    boolean ok = false;
    try {
      // Scheduled inside the try: if scheduling fails, the directory is still removed.
      timer = Watchdog.after(settings.timeout(), this::expire);
      UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.socket());
      listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      listener.bind(address, count + BACKLOG_SLACK);
      listener.configureBlocking(false);
      listening.at(address);
      RANDOM.nextBytes(secret);
      ByteBuffer token = ByteBuffer.allocateDirect(TOKEN_BYTES).put(secret);
      for (int i = 0; i < count; i++) {
        SocketChannel end = SocketChannel.open(StandardProtocolFamily.UNIX);
        connecting[i] = end;
        connectingNow = end;
        end.connect(address);
        connectingNow = null;
        end.write(token.clear().position(SECRET_BYTES).putInt(i).flip());
        acceptOne(); // keeps the backlog short, without a call that finds it empty
      }
      acceptPending();
      dir.delete(); // every connection of ours is accepted: nobody needs the path any more
      verifyAll();
      if (!state.compareAndSet(RUNNING, DONE)) {
        throw timedOut();
      }
      ok = true;
      List<SocketChannel[]> pairs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        pairs.add(new SocketChannel[] {connecting[i], accepted[i]});
      }
      return pairs;
    } catch (IOException e) {
      // Once the timer has closed the listener, a connect is refused and an accept or connect
      // finds its channel closed: all of that is the timeout.
      if (state.get() == EXPIRED && !(e instanceof SocketTimeoutException)) {
        SocketTimeoutException timeout = timedOut();
        timeout.initCause(e);
        throw timeout;
      }
      throw e;
    } finally {
      if (timer != null) {
        timer.cancel(false);
      }
      dir.delete();
      closeQuietly(listener);
      if (!ok) {
        closeAll();
      }
    }
  }

  /** Accepts every connection waiting now, to be verified later. */
  private void acceptPending() throws IOException {
    while (acceptOne()) {}
  }

  /**
   * Accepts one connection if one is waiting (the one just connected, unless someone else's came
   * first: then ours waits for the next accept), to be verified later. Returns false when none was.
   */
  private boolean acceptOne() throws IOException {
    SocketChannel ch = listener.accept();
    if (ch == null) {
      return false;
    }
    if (pending.size() >= count + MAX_ACCEPTED_STRANGERS) {
      ch.close(); // a flood; ours are all among the first accepted
    } else {
      pending.add(ch);
    }
    return true;
  }

  /**
   * Matches the accepted connections with the connecting ends by their tokens. Every connect of
   * ours had finished before the last accept found the queue empty, so all {@code count} of ours
   * are among the accepted. When exactly {@code count} were accepted, nobody else connected, and
   * each token is read in blocking mode (it is there already). Otherwise some are strangers: each
   * connection is then read without blocking, so that a stranger that sends nothing cannot hold the
   * rendezvous up, and closed unless its token is valid.
   */
  private void verifyAll() throws IOException {
    boolean strangers = pending.size() != count;
    for (SocketChannel ch : pending) {
      int index = strangers ? verifyWithoutBlocking(ch) : verify(ch);
      if (index < 0) {
        ch.close();
      } else {
        accepted[index] = ch;
      }
    }
    for (int i = 0; i < count; i++) {
      if (accepted[i] == null) {
        throw new IOException(
            "Socket pair rendezvous: the connection of end " + i + " did not verify");
      }
    }
  }

  private int verifyWithoutBlocking(SocketChannel ch) throws IOException {
    ch.configureBlocking(false);
    int index = verify(ch);
    ch.configureBlocking(true);
    return index;
  }

  /** The index named by the connection's token, or -1 if it has no valid token ready. */
  private int verify(SocketChannel ch) throws IOException {
    received.clear();
    if (ch.read(received) != TOKEN_BYTES) {
      return -1; // nothing, too little or too much: our ends write exactly one token first
    }
    if (!carriesSecret(received, secret)) {
      return -1;
    }
    int index = received.getInt(SECRET_BYTES);
    if (index < 0 || index >= count || accepted[index] != null) {
      return -1;
    }
    return index;
  }

  /**
   * Whether the first {@code secret.length} bytes of {@code token} (from index 0, whatever its
   * position) are the secret. Every byte is compared, whatever the first difference, so the time
   * taken tells nothing about how much of a guess was right.
   */
  static boolean carriesSecret(ByteBuffer token, byte[] secret) {
    byte[] got = new byte[secret.length];
    token.get(0, got);
    return MessageDigest.isEqual(got, secret);
  }

  /**
   * Called by the timer: stops the rendezvous by closing the listener and the end that may be
   * waiting in connect. The rendezvous thread then fails and closes everything else itself.
   */
  private void expire() {
    if (state.compareAndSet(RUNNING, EXPIRED)) {
      closeQuietly(listener);
      closeQuietly(connectingNow);
    }
  }

  private SocketTimeoutException timedOut() {
    return new SocketTimeoutException(
        "Socket pair rendezvous did not finish within "
            + settings.timeout().toMillis()
            + " ms (system property "
            + RendezvousSettings.TIMEOUT
            + ")");
  }

  /** Closes every end made so far, after a failure. */
  private void closeAll() {
    for (SocketChannel ch : connecting) {
      closeQuietly(ch);
    }
    for (SocketChannel ch : pending) {
      closeQuietly(ch);
    }
  }

  private static void closeQuietly(Channel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // closing is all that is wanted, and it happened
      }
    }
  }
}
