package io.actionstream.cli.bench;

import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search for the most real-time cameras one machine sustains: from a first guess, 20% fewer
 * each time until a count holds, then the gap between that count and the fewest that failed
 * halved a few times. Each try is a real run of tens of seconds, so the search stays short; the
 * halving is there because a 20% step alone can under-read the machine by up to a fifth.
 */
final class CameraSearch {

  private static final Logger log = LoggerFactory.getLogger(CameraSearch.class);

  /** One real-time run with a number of cameras. */
  @FunctionalInterface
  interface Trial<R> {
    R run(int cameras) throws Exception;
  }

  /**
   * The outcome: the most cameras that held (or the last count tried, when none held), that
   * count's run, whether it held, and the fewest cameras seen to fail (0 when none failed).
   */
  record Result<R>(int cameras, R run, boolean sustained, int fewestFailed) {}

  private final int downSteps;
  private final int halvings;

  CameraSearch(int downSteps, int halvings) {
    if (downSteps < 1 || halvings < 0) {
      throw new IllegalArgumentException("downSteps must be >= 1 and halvings >= 0");
    }
    this.downSteps = downSteps;
    this.halvings = halvings;
  }

  <R> Result<R> search(int first, Trial<R> trial, Predicate<R> sustained) throws Exception {
    int cameras = Math.max(1, first);
    int tried = cameras;
    int failed = 0;
    R run = null;
    boolean held = false;
    for (int attempt = 0; attempt < downSteps && cameras >= 1; attempt++) {
      tried = cameras;
      run = trial.run(cameras);
      held = sustained.test(run);
      if (held) {
        log.info("{} real-time cameras: sustained", cameras);
        break;
      }
      log.info("{} real-time cameras: not held; trying fewer", cameras);
      failed = cameras;
      cameras = (int) Math.floor(cameras * 0.8);
    }
    for (int step = 0; held && failed > 0 && step < halvings; step++) {
      int between = (tried + failed) / 2;
      if (between <= tried) {
        break;
      }
      R candidate = trial.run(between);
      if (sustained.test(candidate)) {
        log.info("{} real-time cameras: sustained", between);
        tried = between;
        run = candidate;
      } else {
        log.info("{} real-time cameras: not held", between);
        failed = between;
      }
    }
    return new Result<>(tried, run, held, failed);
  }
}
