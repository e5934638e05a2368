package org.dicface.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

import org.dicface.io.Checkpoints;
import org.dicface.io.SafeTensors;
import org.dicface.io.StrictJson;
import org.dicface.io.WeightsSource;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dicface info <checkpoint>}: format, keys, parameter count, and which configuration the weights fit. */
@Command(name = "info", description = "Describe a checkpoint (.pth or .safetensors).")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "checkpoint file")
    Path checkpoint;

    @Option(names = "--config", description = "also check against this config.json")
    Path config;

    @Override
    public Integer call() throws Exception {
        try (WeightsSource w = Checkpoints.open(checkpoint)) {
            long params = w.shapes().values().stream().mapToLong(s -> Arrays.stream(s).reduce(1, Math::multiplyExact)).sum();
            var out = System.out;
            out.println("file:       " + checkpoint);
            out.println("format:     " + (w.format() == Checkpoints.Format.PYTORCH ? "PyTorch zip (torch.save)" : "safetensors")
                    + (w.section().isEmpty() ? "" : ", section '" + w.section() + "'"));
            out.println("tensors:    " + w.shapes().size());
            out.printf("parameters: %,d%n", params);
            report(out, "official DicFace (restore, colorize and inpaint share it)", DicFaceConfig.official(), w.shapes());
            var stored = ModelLoader.storedConfig(checkpoint);
            if (stored.isPresent()) {
                report(out, "the configuration stored in the file (image size " + stored.get().imgSize() + ")", stored.get(), w.shapes());
            } else {
                String named = SafeTensors.metadataOf(checkpoint).get("config");
                if (named != null) {
                    out.println("config:     the metadata names \"" + StrictJson.shorten(named) + "\", not a configuration;"
                            + " check against its config.json with --config");
                }
            }
            if (config != null) {
                report(out, config.toString(), DicFaceConfig.read(config), w.shapes());
            }
        }
        return 0;
    }

    private static void report(java.io.PrintStream out, String name, DicFaceConfig config, Map<String, long[]> tensors) {
        Map<String, long[]> expected = shapes(config);
        long missing = expected.keySet().stream().filter(k -> !tensors.containsKey(k)).count();
        long unexpected = tensors.keySet().stream().filter(k -> !expected.containsKey(k)).count();
        long wrong = expected.entrySet().stream()
                .filter(e -> tensors.containsKey(e.getKey()) && !Arrays.equals(e.getValue(), tensors.get(e.getKey()))).count();
        out.println(missing + unexpected + wrong == 0 ? "matches:    " + name
                : "differs from " + name + ": " + missing + " missing, " + unexpected + " unexpected, " + wrong + " mis-shaped keys");
    }

    /** Names and shapes of a configuration's state dict, without keeping the model. */
    static Map<String, long[]> shapes(DicFaceConfig config) {
        Map<String, long[]> result = new java.util.LinkedHashMap<>();
        try (DicFace m = new DicFace(config)) {
            m.namedParameters().forEach((k, v) -> result.put(k, v.shape()));
        }
        return result;
    }
}
