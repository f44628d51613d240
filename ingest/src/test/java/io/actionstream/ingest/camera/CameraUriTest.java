package io.actionstream.ingest.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CameraUriTest {

  @Test
  void pathsAndFileUrisAreFilesThatDoNotReconnect() {
    CameraUri relative = CameraUri.parse("samples/demo.mp4");
    assertThat(relative.kind()).isEqualTo(CameraUri.Kind.FILE);
    assertThat(relative.live()).isFalse();
    assertThat(relative.input()).isEqualTo(Path.of("samples/demo.mp4").toAbsolutePath().toString());
    assertThat(CameraUri.parse("file:///videos/a.mp4").input()).isEqualTo("/videos/a.mp4");
  }

  @Test
  void networkUrlsAreLiveStreamsPassedToFfmpegAsGiven() {
    for (String url :
        new String[] {"rtsp://cam/s", "http://cam/v.mjpg", "udp://127.0.0.1:5000", "srt://h:9000"}) {
      CameraUri uri = CameraUri.parse(url);
      assertThat(uri.kind()).as(url).isEqualTo(CameraUri.Kind.STREAM);
      assertThat(uri.live()).isTrue();
      assertThat(uri.input()).isEqualTo(url);
    }
  }

  @Test
  void v4l2DevicesUseTheVideo4linux2Demuxer() {
    for (String device : new String[] {"/dev/video0", "v4l2:///dev/video0"}) {
      CameraUri uri = CameraUri.parse(device);
      assertThat(uri.kind()).isEqualTo(CameraUri.Kind.DEVICE);
      assertThat(uri.format()).isEqualTo("video4linux2");
      assertThat(uri.input()).isEqualTo("/dev/video0");
      assertThat(uri.live()).isTrue();
    }
  }

  @Test
  void passwordsNeverAppearInLogsOrErrors() {
    CameraUri uri = CameraUri.parse("rtsp://admin:hunter2@10.0.0.5:554/live");
    assertThat(uri.redacted()).isEqualTo("rtsp://admin:***@10.0.0.5:554/live");
    assertThat(uri.toString()).doesNotContain("hunter2");
    assertThat(uri.input()).contains("hunter2");
    assertThatThrownBy(() -> CameraUri.parse("gopher://admin:hunter2@host/x"))
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("unsupported scheme 'gopher'");
  }
}
