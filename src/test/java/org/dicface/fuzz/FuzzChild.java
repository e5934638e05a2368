package org.dicface.fuzz;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.dicface.io.CheckpointException;
import org.dicface.io.Checkpoints;
import org.dicface.io.PthReader;
import org.dicface.io.SafeTensors;
import org.dicface.io.WeightsSource;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.ModelLoader;
import org.dicface.nn.StateDictException;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;

/**
 * The fuzzer's child JVM: reads one file path per line and runs the project's readers on it as the front-ends
 * do (info, convert, restore --weights): every tensor read and copied out, the stored configuration validated
 * and, if it describes a small network, the weights loaded into it strictly; accepted weights converted to
 * safetensors. Answers one line per file: "@@ ACCEPTED", "@@ CLEAR" (the project's one clear error) or
 * "@@ RAW ..." (anything else), with " LEAK n" when native tensors were left behind. A crash ends the JVM,
 * which the parent sees.
 */
public final class FuzzChild {
    /** Networks built by the fuzzer stay small; larger valid configurations are checked but not built. */
    private static final double MAX_FUZZ_PARAMETERS = 3e6;
    private static final int MAX_MESSAGE = 1500;
    private static final int MAX_STATE_DICT_MESSAGE = 30_000;

    private static final Map<DicFaceConfig, DicFace> MODELS = new HashMap<>();

    private FuzzChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);   // nothing else may write to the protocol stream
        Torch.init();
        Torch.setNumThreads(1);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            protocol.println("@@ " + check(Path.of(line)));
        }
    }

    static String check(Path file) {
        String outcome;
        long live = -1;
        try {
            Optional<DicFaceConfig> config = ModelLoader.storedConfig(file);
            DicFace model = config.filter(c -> c.estimatedParameters() <= MAX_FUZZ_PARAMETERS)
                    .map(c -> MODELS.computeIfAbsent(c, DicFace::new)).orElse(null);
            live = Torch.liveTensors();
            if (file.toString().endsWith(".pth")) {
                close(PthReader.read(file), Collections.newSetFromMap(new IdentityHashMap<>()));
            }
            try (Checkpoints.Weights w = Checkpoints.load(file)) {
                for (Tensor t : w.tensors().values()) {
                    if (t.numel() <= 1 << 20) {
                        t.toBytes();   // the copy out of tensor memory: every byte of every view must be inside
                    }
                }
                Path converted = file.resolveSibling("converted.safetensors");
                SafeTensors.write(converted, w.tensors(), Map.of("format", "pt"));
                Files.delete(converted);
            }
            if (model != null) {
                try (WeightsSource source = Checkpoints.open(file)) {
                    model.loadStateDict(source.shapes(), source::load);
                }
            }
            outcome = "ACCEPTED";
        } catch (CheckpointException | StateDictException e) {
            String m = e.getMessage();
            int limit = e instanceof StateDictException ? MAX_STATE_DICT_MESSAGE : MAX_MESSAGE;   // that one lists keys
            outcome = m == null || m.isBlank() || m.length() > limit ? "RAW unclear message of " + (m == null ? 0 : m.length())
                    + " characters: " + shorten(m) : "CLEAR " + shorten(m);
        } catch (Throwable e) {
            outcome = "RAW " + e.getClass().getName() + ": " + shorten(e.getMessage()) + " at " + where(e);
        }
        long leaked = live < 0 ? 0 : Torch.liveTensors() - live;
        return leaked > 0 ? outcome + " LEAK " + leaked : outcome;
    }

    /** Closes the tensors of what PthReader.read returned, visiting each shared container once. */
    private static void close(Object o, Set<Object> seen) {
        if (!seen.add(o)) {
            return;
        }
        if (o instanceof Tensor t) {
            t.close();
        } else if (o instanceof Map<?, ?> m) {
            m.values().forEach(v -> close(v, seen));
        } else if (o instanceof List<?> l) {
            l.forEach(v -> close(v, seen));
        }
    }

    private static String where(Throwable e) {
        return Arrays.stream(e.getStackTrace()).limit(3).map(String::valueOf).reduce((a, b) -> a + " < " + b).orElse("?");
    }

    private static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        String one = s.replace('\n', ' ');
        return one.length() <= 300 ? one : one.substring(0, 300) + "...";
    }
}
