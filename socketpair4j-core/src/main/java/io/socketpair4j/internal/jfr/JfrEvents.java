package io.socketpair4j.internal.jfr;

import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.StringJoiner;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * How the library emits its JFR events: each call site first asks {@link #recording()}, a volatile
 * flag that a {@link FlightRecorderListener} keeps, and makes an event only while some recording
 * runs; the event itself then says whether it is enabled in one. While no recording runs, which is
 * the usual case, an I/O call costs one read of that flag and nothing is allocated.
 *
 * <p>The methods take and return events as {@code Object}, so that the classes that call them never
 * name an event class (nothing of {@code jdk.jfr} is loaded for them until a recording runs).
 */
public final class JfrEvents {
  private JfrEvents() {}

  private static volatile boolean recording;

  private static final Class<?>[] EVENTS = {
    SocketReadEvent.class,
    SocketWriteEvent.class,
    PairOpenedEvent.class,
    ChannelClosedEvent.class,
    DescriptorsPassedEvent.class,
    ChildSpawnedEvent.class
  };

  static {
    FlightRecorder.addListener(new Listener());
  }

  /** Keeps {@link #recording} true while at least one recording runs. */
  private static final class Listener implements FlightRecorderListener {
    @Override
    public void recorderInitialized(FlightRecorder recorder) {
      update(recorder);
    }

    @Override
    public void recordingStateChanged(Recording changed) {
      update(FlightRecorder.getFlightRecorder());
    }

    private static void update(FlightRecorder recorder) {
      boolean running = false;
      for (Recording r : recorder.getRecordings()) {
        running |= r.getState() == RecordingState.RUNNING;
      }
      if (running) {
        // Load and initialise the event classes here, before any I/O makes an event: a virtual
        // thread that waits for another to initialise a class is pinned to its carrier
        for (Class<?> c : EVENTS) {
          try {
            MethodHandles.lookup().ensureInitialized(c);
          } catch (IllegalAccessException e) {
            throw new AssertionError(e);
          }
        }
      }
      recording = running;
    }
  }

  /** Whether a JFR recording runs; only then may an event be made. */
  public static boolean recording() {
    return recording;
  }

  /** Starts the event of a read ({@code sending} false) or write; null when it is not enabled. */
  public static Object beginIo(boolean sending) {
    return begun(sending ? new SocketWriteEvent() : new SocketReadEvent());
  }

  /** {@code e}, begun; null when it is not enabled in any recording. */
  private static Object begun(jdk.jfr.Event e) {
    if (!e.isEnabled()) {
      return null;
    }
    e.begin();
    return e;
  }

  /**
   * Ends the event of a read or write begun by {@link #beginIo}; commits it if it took longer than
   * its threshold.
   *
   * @param result the bytes transferred, or -1 at the end of the stream
   * @param timeoutNanos a timed call's timeout; 0 for none
   */
  public static void endIo(
      Object event,
      int fd,
      String socketType,
      long result,
      boolean blocking,
      long timeoutNanos,
      boolean timedOut) {
    boolean virtual = Thread.currentThread().isVirtual();
    if (event instanceof SocketReadEvent r) {
      r.end();
      if (r.shouldCommit()) {
        r.fd = fd;
        r.socketType = socketType;
        r.bytesRead = Math.max(result, 0);
        r.endOfStream = result < 0;
        r.blocking = blocking;
        r.timeout = timeoutNanos;
        r.timedOut = timedOut;
        r.virtualThread = virtual;
        r.commit();
      }
    } else if (event instanceof SocketWriteEvent w) {
      w.end();
      if (w.shouldCommit()) {
        w.fd = fd;
        w.socketType = socketType;
        w.bytesWritten = Math.max(result, 0);
        w.blocking = blocking;
        w.timeout = timeoutNanos;
        w.timedOut = timedOut;
        w.virtualThread = virtual;
        w.commit();
      }
    }
  }

  /** Starts the event of making a pair; null when it is not enabled. */
  public static Object beginPair() {
    return begun(new PairOpenedEvent());
  }

  /** Ends and commits the event of a pair made ({@code -1} for descriptors not known). */
  public static void pairOpened(
      Object event, String backend, String socketType, int firstFd, int secondFd) {
    PairOpenedEvent e = (PairOpenedEvent) event;
    e.end();
    if (e.shouldCommit()) {
      e.backend = backend;
      e.socketType = socketType;
      e.firstFd = firstFd;
      e.secondFd = secondFd;
      e.commit();
    }
  }

  /** Commits the event of a native channel closed. */
  public static void channelClosed(int fd, String socketType) {
    ChannelClosedEvent e = new ChannelClosedEvent();
    if (e.shouldCommit()) {
      e.fd = fd;
      e.socketType = socketType;
      e.commit();
    }
  }

  /** Commits the event of descriptors sent or received through the channel {@code fd}. */
  public static void descriptorsPassed(int fd, boolean sent, int[] fds, int count) {
    DescriptorsPassedEvent e = new DescriptorsPassedEvent();
    if (e.shouldCommit()) {
      StringJoiner numbers = new StringJoiner(",");
      for (int i = 0; i < count; i++) {
        numbers.add(Integer.toString(fds[i]));
      }
      e.fd = fd;
      e.direction = sent ? "sent" : "received";
      e.count = count;
      e.descriptors = numbers.toString();
      e.commit();
    }
  }

  /** Starts the event of starting a child; null when it is not enabled. */
  public static Object beginSpawn() {
    return begun(new ChildSpawnedEvent());
  }

  /**
   * Ends and commits the event of a child started.
   *
   * @param descriptors each number in the child with what it is in this process, e.g. {@code
   *     "3=UnixSocketChannel[connected fd=7]"}
   */
  public static void childSpawned(
      Object event, long pid, List<String> command, List<String> descriptors) {
    ChildSpawnedEvent e = (ChildSpawnedEvent) event;
    e.end();
    if (e.shouldCommit()) {
      e.pid = pid;
      e.command = String.join(" ", command);
      e.descriptors = String.join(", ", descriptors);
      e.commit();
    }
  }
}
