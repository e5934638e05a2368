package org.dicface.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local server: progress, an interrupted transfer resumed with Range, checksums. */
class DownloadTest {
    @TempDir
    Path dir;
    ServerSocket server;
    byte[] payload = new byte[300_000];
    AtomicInteger requests = new AtomicInteger();
    volatile int cutAfter = -1;  // the first response stops after this many bytes

    /** A minimal HTTP/1.1 server that honours Range and closes each connection (and can drop one early). */
    @BeforeEach
    void start() throws IOException {
        new Random(5).nextBytes(payload);
        server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    requests.incrementAndGet();
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                    int from = 0;
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("range: bytes=")) {
                            from = Integer.parseInt(line.substring(13, line.indexOf('-')));
                        }
                    }
                    int length = payload.length - from;
                    OutputStream out = s.getOutputStream();
                    out.write(((from == 0 ? "HTTP/1.1 200 OK" : "HTTP/1.1 206 Partial Content") + "\r\nContent-Length: " + length
                            + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    int send = cutAfter >= 0 ? cutAfter : length;
                    cutAfter = -1;
                    out.write(payload, from, send);
                    out.flush();
                    // FIN after the data, then wait for the client to hang up: closing at once could reset the
                    // connection and drop bytes still in flight, so the cut would not land where the test says
                    s.shutdownOutput();
                    s.setSoTimeout(5000);
                    while (s.getInputStream().read() >= 0) {
                        // drain until the client closes
                    }
                } catch (IOException e) {
                    // closed, or the client hung up
                }
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/model.pth");
    }

    @Test
    void downloadsWithProgressAndChecksum() throws IOException {
        Path target = dir.resolve("m.pth");
        long[] last = {0, 0};
        Download.fetch(url(), target, sha(payload), (done, total) -> {
            last[0] = done;
            last[1] = total;
            return true;
        });
        assertArrayEquals(payload, Files.readAllBytes(target));
        assertEquals(payload.length, last[0]);
        assertEquals(payload.length, last[1]);
        assertFalse(Files.exists(dir.resolve("m.pth.part")));
    }

    @Test
    void anInterruptedDownloadResumes() throws IOException {
        Path target = dir.resolve("m.pth");
        cutAfter = 100_000;
        IOException e = assertThrows(IOException.class, () -> Download.fetch(url(), target, null, (d, t) -> true));
        assertTrue(e.getMessage().contains("run it again to resume"), e.getMessage());
        // what arrived before the cut is kept (the client's last buffered chunk may not have: a loaded machine's
        // HTTP client drops it when the connection ends early), and it is the payload's start
        byte[] part = Files.readAllBytes(dir.resolve("m.pth.part"));
        assertTrue(part.length > 0 && part.length <= 100_000, part.length + " bytes kept");
        assertArrayEquals(java.util.Arrays.copyOf(payload, part.length), part);
        Download.fetch(url(), target, sha(payload), (d, t) -> true);
        assertArrayEquals(payload, Files.readAllBytes(target));
        assertEquals(2, requests.get());
    }

    @Test
    void aWrongChecksumDeletesTheFile() {
        Path target = dir.resolve("m.pth");
        IOException e = assertThrows(IOException.class, () -> Download.fetch(url(), target, "00".repeat(32), (d, t) -> true));
        assertTrue(e.getMessage().contains("expected 0000"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(dir.resolve("m.pth.part")));
    }

    @Test
    void cancelKeepsThePartForLater() {
        Path target = dir.resolve("m.pth");
        IOException e = assertThrows(IOException.class, () -> Download.fetch(url(), target, null, (d, t) -> d < 50_000));
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("m.pth.part")));
    }

    static String sha(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
