package io.actionstream.training.report;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress bars for long work (decoding, flow, epochs): a live bar on a terminal, and a log line
 * every 15 seconds when the output goes to a file or CI log, so logs stay readable.
 */
public final class Progress {

  private static final Logger log = LoggerFactory.getLogger(Progress.class);

  private Progress() {}

  public static ProgressBar bar(String task, long total) {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .showSpeed()
            .setMaxRenderedLength(110);
    if (System.console() == null) {
      builder.setConsumer(new DelegatingProgressBarConsumer(log::info, 110)).setUpdateIntervalMillis(15_000);
    } else {
      builder.setUpdateIntervalMillis(500);
    }
    return builder.build();
  }
}
