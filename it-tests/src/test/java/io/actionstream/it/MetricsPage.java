package io.actionstream.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/** A scrape of a service's Prometheus page, read the way Prometheus reads the text format. */
final class MetricsPage {

  private final String text;

  private MetricsPage(String text) {
    this.text = text;
  }

  static MetricsPage scrape(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(url + " answered " + response.statusCode());
    }
    return new MetricsPage(response.body());
  }

  /** The sum of a sample over all its label sets (0 if absent). */
  double sum(String sample) {
    return byLabel(sample, null).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Values of a sample by the value of one label (or by the whole label set when label is null). */
  Map<String, Double> byLabel(String sample, String label) {
    Map<String, Double> values = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(sample + "{") || line.startsWith(sample + " "))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String labels = line.substring(sample.length(), space).trim();
      String key = labels;
      if (label != null) {
        int at = labels.indexOf(label + "=\"");
        key = at < 0 ? "" : labels.substring(at + label.length() + 2, labels.indexOf('"', at + label.length() + 2));
      }
      values.merge(key, Double.parseDouble(line.substring(space + 1)), Double::sum);
    }
    return values;
  }
}
