package io.actionstream.viewer.web;

import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The open pages, each fed by a thread of its own from a bounded queue, so that a slow browser
 * never holds up the Kafka consumer or the other pages: when its queue is full, frames for it are
 * dropped (counted) while events and the rest go on.
 */
public final class PageClients {

  /** One server-sent event: its name and its JSON data. */
  public record Message(String name, String json) {}

  private static final int QUEUE = 512;

  private final List<Page> pages = new CopyOnWriteArrayList<>();
  private final AtomicLong dropped = new AtomicLong();

  private final class Page {
    final SseClient client;
    final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE);

    Page(SseClient client) {
      this.client = client;
    }

    void drain() {
      try {
        while (!client.terminated()) {
          Message message = queue.poll(15, TimeUnit.SECONDS);
          if (message == null) {
            client.sendComment("keep-alive");
          } else {
            client.sendEvent(message.name(), message.json());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException closed) {
        // the browser went away
      } finally {
        pages.remove(this);
      }
    }
  }

  /**
   * Serves one page until it goes away: first everything {@code snapshot} says, then what is
   * {@linkplain #publish published}. Blocks the request's thread, as the SSE handler must.
   */
  public void serve(SseClient client, Supplier<List<Message>> snapshot) {
    client.keepAlive();
    Page page = new Page(client);
    snapshot.get().forEach(page.queue::offer);
    pages.add(page);
    client.onClose(() -> pages.remove(page));
    page.drain();
  }

  /** Sends to every page; a page whose queue is full misses it if {@code droppable}. */
  public void publish(Message message, boolean droppable) {
    for (Page page : pages) {
      if (!page.queue.offer(message)) {
        if (droppable) {
          dropped.incrementAndGet();
        } else {
          // an event must arrive: make room by dropping the oldest message
          page.queue.poll();
          page.queue.offer(message);
          dropped.incrementAndGet();
        }
      }
    }
  }

  public int open() {
    return pages.size();
  }

  public long dropped() {
    return dropped.get();
  }
}
