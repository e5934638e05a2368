package org.dicface.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.dicface.io.Checkpoints;
import org.dicface.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dicface convert <in.pth> <out.safetensors>}: the inference weights (params_ema) as safetensors. */
@Command(name = "convert", description = "Convert a PyTorch checkpoint to safetensors (takes params_ema from official files).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "input checkpoint (.pth)")
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
