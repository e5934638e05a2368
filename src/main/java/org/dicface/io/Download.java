package org.dicface.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Downloads a file with progress, resume and checksum: bytes go to {@code <target>.part}; an interrupted
 * download resumes from there (HTTP Range); when complete, the SHA-256 is checked (if one is expected) and
 * the file moved into place. A mismatch deletes the partial file.
 */
public final class Download {
    /** The official checkpoints (Hugging Face model repository fudan-generative-ai/DicFace_model). */
    public static final Map<Task, URI> OFFICIAL = Map.of(
            Task.RESTORE, URI.create("https://huggingface.co/fudan-generative-ai/DicFace_model/resolve/main/CodeFormer/bfr_100k.pth"),
            Task.COLORIZE, URI.create("https://huggingface.co/fudan-generative-ai/DicFace_model/resolve/main/CodeFormer/color_100k.pth"),
            Task.INPAINT, URI.create("https://huggingface.co/fudan-generative-ai/DicFace_model/resolve/main/CodeFormer/inpainting_100k.pth"));

    /** Told the bytes so far and the total (-1 when unknown); returns false to stop. */
    @FunctionalInterface
    public interface Progress {
        boolean bytes(long done, long total);
    }

    private Download() {
    }

    private static final class CancelledDownload extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    public static Path fetch(URI url, Path target, String expectedSha256, Progress progress) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.createDirectories(target.toAbsolutePath().getParent());
        long have = Files.exists(part) ? Files.size(part) : 0;
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + url + " interrupted", e);
        }
        int code = response.statusCode();
        boolean resumed = code == 206;
        if (code != 200 && code != 206) {
            response.body().close();
            throw new IOException("download of " + url + " failed: HTTP " + code);
        }
        if (!resumed) {
            have = 0;  // the server sends the whole file
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        long total = length < 0 ? -1 : have + length;
        long done = have;
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                done += n;
                if (!progress.bytes(done, total)) {
                    throw new CancelledDownload();
                }
            }
        } catch (CancelledDownload e) {
            throw new IOException("download cancelled after " + done + " bytes; run it again to resume");
        } catch (IOException e) {
            throw new IOException("download of " + url + " broke off after " + done + " bytes (" + e.getMessage()
                    + "); run it again to resume", e);
        }
        if (total >= 0 && done != total) {
            throw new IOException("download of " + url + " ended after " + done + " of " + total + " bytes; run it again to resume");
        }
        String sha = ModelRegistry.sha256(part);
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
            Files.delete(part);
            throw new IOException("the download of " + url + " has SHA-256 " + sha + ", expected " + expectedSha256
                    + ": the file is damaged or not the one expected; it was deleted");
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
