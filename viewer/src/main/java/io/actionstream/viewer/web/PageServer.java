package io.actionstream.viewer.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.staticfiles.Location;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Supplier;

/**
 * The viewer's web server: the page and its scripts from the jar (nothing from a CDN), the
 * stream of updates at {@code /stream} (server-sent events), {@code /metrics}, and the probes.
 * With a token, every request must carry it, as {@code Authorization: Bearer TOKEN} or
 * {@code ?token=TOKEN}, which the answer then sets as an HttpOnly cookie for the page's scripts and
 * stream (browsers' EventSource cannot set headers); without, the answer is 401. The probes
 * ({@code /health/live}, {@code /health/ready}) and {@code /metrics} answer without it: they show
 * counts, never a camera id or a frame.
 */
public final class PageServer implements AutoCloseable {

  private static final String COOKIE = "actionstream_viewer_token";

  private final Javalin app;

  private PageServer(Javalin app) {
    this.app = app;
  }

  public static PageServer start(String host, int port, String token, PageClients clients,
      Supplier<List<PageClients.Message>> snapshot, PrometheusRegistry registry) {
    Javalin app = Javalin.create(config -> {
      config.jetty.host = host;
      config.jetty.port = port;
      config.startup.showJavalinBanner = false;
      config.staticFiles.add("/io/actionstream/viewer/web", Location.CLASSPATH);
      if (token != null) {
        config.routes.before(ctx -> authorize(ctx, token));
      }
      config.routes.before(ctx -> ctx.header("Cache-Control", "no-store"));
      config.routes.sse("/stream", client -> clients.serve(client, snapshot));
      config.routes.get("/metrics", ctx -> ctx.contentType(PrometheusTextFormatWriter.CONTENT_TYPE).result(scrape(registry)));
      config.routes.get("/health/live", ctx -> ctx.result("ok\n"));
      config.routes.get("/health/ready", ctx -> ctx.result("ok\n"));
    });
    app.start();
    return new PageServer(app);
  }

  private static void authorize(Context ctx, String token) {
    if (ctx.path().startsWith("/health/") || ctx.path().equals("/metrics")) {
      return; // probes and scrapes carry no token; they show counts, never a camera or a frame
    }
    String header = ctx.header("Authorization");
    String query = ctx.queryParam("token");
    String given = header != null && header.startsWith("Bearer ") ? header.substring(7) : query != null ? query : ctx.cookie(COOKIE);
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"actionstream viewer\"");
      throw new UnauthorizedResponse("a token is required: open the page as /?token=TOKEN");
    }
    if (query != null) {
      // the page's scripts, styles and stream are fetched without the query: a cookie carries it
      ctx.header("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
    }
  }

  private static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

}
