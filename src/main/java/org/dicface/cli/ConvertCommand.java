package org.dicface.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.dicface.io.Checkpoints;
import org.dicface.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code dicface convert <in> <out.safetensors>}: the inference weights (params_ema) as safetensors, from an
 * official .pth or from one of our training checkpoints, whose configuration, task and step are kept.
 */
@Command(name = "convert", description = "Convert a checkpoint (official .pth, or a training checkpoint) to inference"
        + " weights in safetensors (takes params_ema).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "input checkpoint (.pth, or a training checkpoint.safetensors)")
    Path input;

    @Parameters(index = "1", description = "output file (.safetensors), written atomically")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output would overwrite the input; choose another output file");
        }
        try (Checkpoints.Weights w = Checkpoints.load(input)) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("source", input.getFileName().toString());
            if (input.getFileName().toString().endsWith(".safetensors")) {
                try (SafeTensors st = SafeTensors.open(input)) {
                    for (String key : new String[] {"config", "task", "step"}) {
                        if (st.metadata().containsKey(key)) {
                            meta.put(key, st.metadata().get(key));
                        }
                    }
                }
            }
            if (!w.section().isEmpty()) {
                meta.put("section", w.section());
            }
            SafeTensors.write(output, w.tensors(), meta);
            System.out.println("wrote " + w.tensors().size() + " tensors" + (w.section().isEmpty() ? "" : " of '" + w.section() + "'")
                    + " to " + output);
        }
        return 0;
    }
}
