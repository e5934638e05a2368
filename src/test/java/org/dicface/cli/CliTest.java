package org.dicface.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.dicface.io.SafeTensors;
import org.dicface.model.DicFace;
import org.dicface.model.DicFaceConfig;
import org.dicface.model.Fixture;
import org.dicface.model.Probe;
import org.dicface.model.Sampling;
import org.dicface.nn.Init;
import org.dicface.torch.Generator;
import org.dicface.torch.GradMode;
import org.dicface.torch.ScopedTest;
import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, run in-process: info, convert, and the forward contract on the fixture and on other sizes. */
class CliTest extends ScopedTest {
    @TempDir
    Path dir;



    record Run(int exit, String out, String err) {
    }

    /**
     * Runs the command line in-process. The batch tests restore synthetic textures, not faces: unless a test names
     * {@code --faces} or {@code --tracks}, restore, inpaint and colorize take the whole frames ({@code --faces aligned}).
     */
    static Run run(String... args) {
        if (args.length > 0 && java.util.Set.of("restore", "inpaint", "colorize").contains(args[0])
                && java.util.Arrays.stream(args).noneMatch(a -> a.startsWith("--faces") || a.startsWith("--tracks")
                        || a.equals("-h") || a.equals("--help"))) {
            String[] whole = java.util.Arrays.copyOf(args, args.length + 2);
            whole[args.length] = "--faces";
            whole[args.length + 1] = "aligned";
            args = whole;
        }
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(stderr, true));
        try {
            var cl = DicFaceCli.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int exit = cl.execute(args);
            return new Run(exit, out.toString(), err + stderr.toString());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void infoDescribesTheOfficialLayoutFile() {
        Run r = run("info", Fixture.file("checkpoint.pth").toString(), "--config", Fixture.file("config.json").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("section 'params_ema'"), r.out());
        assertTrue(r.out().contains("parameters: 1,350,019"), r.out());
        assertTrue(r.out().contains("differs from official DicFace"), r.out());
        assertTrue(r.out().contains("matches:    " + Fixture.file("config.json")), r.out());
    }

    @Test
    void convertWritesTheEmaWeightsAsSafetensors() throws IOException {
        Path out = dir.resolve("tiny.safetensors");
        Run r = run("convert", Fixture.file("checkpoint.pth").toString(), out.toString());
        assertEquals(0, r.exit(), r.err());
        try (SafeTensors converted = SafeTensors.open(out); SafeTensors reference = SafeTensors.open(Fixture.file("weights.safetensors"))) {
            assertEquals(reference.entries().keySet(), converted.entries().keySet());
            for (String k : reference.entries().keySet()) {
                assertArrayEquals(reference.load(k).toBytes(), converted.load(k).toBytes(), k);
            }
            assertEquals("params_ema", converted.metadata().get("section"));
        }
        Run same = run("convert", out.toString(), out.toString());
        assertEquals(1, same.exit());
        assertTrue(same.err().contains("would overwrite the input"), same.err());
    }

    private static Map<String, Tensor> read(Path file) throws IOException {
        return SafeTensors.read(file);
    }

    @Test
    void forwardMatchesTheOfficialOutputsAndIsReproducible() throws IOException {
        String cfg = Fixture.file("config.json").toString();
        String weights = Fixture.file("weights.safetensors").toString();
        String input = Fixture.file("io.safetensors").toString();
        Path mean = dir.resolve("mean.safetensors");
        Run r = run("forward", "--config", cfg, "--weights", weights, "--input", input, "--output", mean.toString(), "--sampling", "mean");
        assertEquals(0, r.exit(), r.err());
        Map<String, Tensor> ref = read(Fixture.file("io.safetensors"));
        Map<String, Tensor> got = read(mean);
        for (String[] pair : new String[][] {{"out", "out_mean"}, {"w", "w_mean"}, {"alpha", "alpha"}, {"quant_mean", "quant_mean"},
                {"lq_feat", "lq_feat"}, {"tokens_out", "tokens_out"}, {"logits", "logits"}, {"enc_skip_64", "enc_skip_64"}}) {
            double rel = Fixture.relativeError(got.get(pair[0]).toFloatArray(), ref.get(pair[1]).toFloatArray());
            assertTrue(rel <= 1e-4, pair[0] + " rel " + rel);
        }
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Path c = dir.resolve("c.safetensors");
        assertEquals(0, run("forward", "--config", cfg, "--weights", weights, "--input", input, "--output", a.toString(), "--seed", "5").exit());
        assertEquals(0, run("forward", "--config", cfg, "--weights", weights, "--input", input, "--output", b.toString(), "--seed", "5").exit());
        assertEquals(0, run("forward", "--config", cfg, "--weights", weights, "--input", input, "--output", c.toString(), "--seed", "6").exit());
        assertArrayEquals(read(a).get("out").toFloatArray(), read(b).get("out").toFloatArray(), "same seed, same pixels");
        assertFalse(Arrays.equals(read(a).get("w").toFloatArray(), read(c).get("w").toFloatArray()), "another seed, another sample");
        assertEquals("sample", SafeTensors.open(a).metadata().get("sampling"));
        Path bf16 = dir.resolve("bf16.safetensors");
        r = run("forward", "--config", cfg, "--weights", weights, "--input", input, "--output", bf16.toString(), "--sampling", "mean",
                "--device", "cpu", "--precision", "bf16");
        assertEquals(0, r.exit(), r.err());
        assertEquals("bf16", SafeTensors.open(bf16).metadata().get("precision"));
        assertEquals(org.dicface.torch.DType.FLOAT32, read(bf16).get("out").dtype(), "written as float32 whatever the precision");
        // What bf16 guarantees, on any CPU: the features are bf16 numbers (8 significant bits), written exactly as
        // float32. How far they land from the fp32 reference depends on the CPU's kernels (rel 0.16 for alpha where
        // libtorch has no bf16 instructions to use, under 0.1 where it has), so that is no test of the wiring: the
        // command must give exactly what the bf16 model gives in-process on this machine.
        Map<String, Tensor> half = read(bf16);
        for (String name : new String[] {"out", "enc_skip_64", "lq_feat", "tokens_out", "logits"}) {
            assertEquals(0, notBf16(half.get(name).toFloatArray()), name + " holds values that are not bf16");
        }
        try (GradMode.Guard g = GradMode.INFERENCE.enter(); org.dicface.torch.Scope scope = org.dicface.torch.Scope.open();
                DicFace model = org.dicface.model.ModelLoader.load(DicFaceConfig.read(Path.of(cfg)), Path.of(weights),
                        org.dicface.torch.Device.CPU, org.dicface.model.Precision.BF16);
                Generator random = new Generator(0)) {
            DicFace.Result direct = model.forward(ref.get("input").to(model.dtype()), new Sampling.Mean(), random, 1.0, Probe.NONE);
            assertArrayEquals(direct.alpha().to(org.dicface.torch.DType.FLOAT32).toFloatArray(), half.get("alpha").toFloatArray(), "alpha");
            assertArrayEquals(direct.out().to(org.dicface.torch.DType.FLOAT32).toFloatArray(), half.get("out").toFloatArray(), "out");
        }
    }

    /** How many values are not bf16 numbers (the low 16 bits of their float32 form not all zero). */
    private static int notBf16(float[] values) {
        int n = 0;
        for (float v : values) {
            n += (Float.floatToRawIntBits(v) & 0xffff) == 0 ? 0 : 1;
        }
        return n;
    }

    @Test
    void badInputsGiveOneClearMessage() throws IOException {
        String cfg = Fixture.file("config.json").toString();
        String weights = Fixture.file("weights.safetensors").toString();
        Path fourFrames = dir.resolve("four.safetensors");
        SafeTensors.write(fourFrames, Map.of("input", Tensor.zeros(4, 3, 128, 128)), Map.of());
        Run r = run("forward", "--config", cfg, "--weights", weights, "--input", fourFrames.toString(), "--output", dir.resolve("x").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("[4, 3, 128, 128]; this model takes float32 [T, 3, 128, 128] with T a multiple of 5"), r.err());
        r = run("forward", "--config", "official", "--weights", weights, "--input", Fixture.file("io.safetensors").toString(),
                "--output", dir.resolve("x").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("this model takes float32 [T, 3, 512, 512]"), r.err());
        r = run("forward", "--config", cfg, "--weights", Fixture.file("config.json").toString(), "--input",
                Fixture.file("io.safetensors").toString(), "--output", dir.resolve("x").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("not a valid safetensors file"), r.err());
        r = run("forward", "--config", cfg, "--weights", weights, "--input", Fixture.file("io.safetensors").toString(),
                "--output", dir.resolve("x").toString(), "--sampling", "best");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("use sample, mean, mc:K, argmax or topk:K"), r.err());
        r = run("forward", "--config", cfg, "--weights", weights, "--input", Fixture.file("io.safetensors").toString(),
                "--output", dir.resolve("x").toString(), "--device", "cpu", "--precision", "fp16");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("fp16 runs on a CUDA device only") && r.err().contains("use --precision fp32 (or bf16)"), r.err());
        assertFalse(Files.exists(dir.resolve("x")), "no output on failure");
    }

    /**
     * A configuration that is not among the fixtures (other image size, levels, widths, heads, codebook, two
     * temporal groups): every size follows from the config, and the command gives what the model API gives.
     */
    @Test
    void forwardOnAnotherConfiguration() throws IOException {
        DicFaceConfig config = DicFaceConfig.fromJson("{\"img_size\": 64, \"nf\": 32, \"ch_mult\": [1, 2, 1, 2], \"res_blocks\": 1,"
                + " \"attn_resolutions\": [8], \"codebook_size\": 48, \"codebook_dim\": 64, \"dim_embed\": 48, \"n_head\": 3,"
                + " \"n_layers\": 3, \"dim_mlp\": 80, \"connect_list\": [\"16\", \"32\", \"64\"]}");
        Path cfg = Files.writeString(dir.resolve("config.json"), config.toJson());
        Path weights = dir.resolve("w.safetensors");
        Path input = dir.resolve("in.safetensors");
        Tensor frames = Tensor.uniform(-1, 1, new Generator(3), 10, 3, 64, 64);
        Init.seed(11);
        float[] expected;
        try (DicFace model = new DicFace(config); GradMode.Guard g = GradMode.INFERENCE.enter()) {
            for (Tensor p : model.namedParameters().values()) {
                p.copyFrom(Tensor.normal(0, 0.2, new Generator(p.numel()), p.shape()).add(p));
            }
            SafeTensors.write(weights, model.stateDict(), Map.of());
            expected = model.forward(frames, new Sampling.Mean(), null, 0.7, Probe.NONE).out().toFloatArray();
        }
        SafeTensors.write(input, Map.of("input", frames), Map.of());
        Path out = dir.resolve("out.safetensors");
        Run r = run("forward", "--config", cfg.toString(), "--weights", weights.toString(), "--input", input.toString(),
                "--output", out.toString(), "--sampling", "mean", "--fidelity", "0.7");
        assertEquals(0, r.exit(), r.err());
        Map<String, Tensor> got = read(out);
        assertArrayEquals(new long[] {10, 64, 48}, got.get("alpha").shape(), "[T, tokens = 8 x 8, N]");
        assertArrayEquals(new long[] {10, 64, 48}, got.get("w").shape());
        assertArrayEquals(new long[] {10, 3, 64, 64}, got.get("out").shape());
        assertArrayEquals(new long[] {64, 10, 48}, got.get("tokens_after_temporal_2").shape());
        assertArrayEquals(new long[] {10, 64, 8, 8}, got.get("quant_mean").shape());
        assertArrayEquals(expected, got.get("out").toFloatArray(), 1e-6f);
    }
}
