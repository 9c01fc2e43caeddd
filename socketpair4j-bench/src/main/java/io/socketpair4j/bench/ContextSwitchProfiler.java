package io.socketpair4j.bench;

import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that counts the fork's context switches ({@code getrusage}) over each iteration
 * and divides them by the iteration's operations: per round trip for the ping-pong benchmarks,
 * whose operations are round trips ({@code @OperationsPerInvocation}). Adds nothing when the count
 * cannot be read.
 */
public final class ContextSwitchProfiler implements InternalProfiler {
  static final String VOLUNTARY = "ctxsw.voluntary";
  static final String INVOLUNTARY = "ctxsw.involuntary";

  private ContextSwitches.Count before;

  @Override
  public String getDescription() {
    return "voluntary and involuntary context switches of the process per operation (getrusage)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before = ContextSwitches.now();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    ContextSwitches.Count after = ContextSwitches.now();
    if (result.getMetadata() == null) {
      return List.of();
    }
    ContextSwitches.PerTrip perOp =
        ContextSwitches.PerTrip.between(before, after, result.getMetadata().getAllOps());
    if (!perOp.known()) {
      return List.of();
    }
    return List.of(
        new ScalarResult(VOLUNTARY, perOp.voluntary(), "#/op", AggregationPolicy.AVG),
        new ScalarResult(INVOLUNTARY, perOp.involuntary(), "#/op", AggregationPolicy.AVG));
  }
}
