package org.dicface.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.dicface.torch.Tensor;
import org.junit.jupiter.api.Test;

/** The official configuration builds exactly the official state dict; other configurations follow from their sizes. */
class DicFaceConfigTest {
    @Test
    void officialModelHasTheOfficial632NamesShapesAndParameterCount() throws IOException {
        List<String> expected = new ArrayList<>();
        for (String line : Files.readAllLines(Fixture.stateDictListing())) {
            if (!line.startsWith("#") && !line.startsWith("key\t") && !line.isBlank()) {
                String[] f = line.split("\t");
                expected.add(f[0] + " " + f[1]);
            }
        }
        assertEquals(632, expected.size());
        try (DicFace model = new DicFace(DicFaceConfig.official())) {
            List<String> actual = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                actual.add(e.getKey() + " " + String.join("x", java.util.Arrays.stream(e.getValue().shape())
                        .mapToObj(Long::toString).toList()));
            }
            assertEquals(expected, actual, "names, shapes and order of the official state dict");
            assertEquals(116_187_075L, model.parameterCount());
        }
    }

    @Test
    void fixtureConfigReadsAndDerivesTheOfficialBlockIndices() throws IOException {
        DicFaceConfig c = DicFaceConfig.read(Fixture.file("config.json"));
        assertEquals(128, c.imgSize());
        assertEquals(4, c.latentSize());
        assertEquals(16, c.tokensPerFrame());
        assertEquals(List.of(8, 16, 32, 64), c.connectList());
        assertEquals(64, c.channelsAt(128));
        assertEquals(32, c.channelsAt(8));
        // the fixture states the indices; deriving them from the sizes gives the same
        DicFaceConfig derived = DicFaceConfig.standard(c.imgSize(), c.nf(), c.chMult(), c.resBlocks(), c.attnResolutions(),
                c.codebookSize(), c.codebookDim(), c.dimEmbed(), c.nHead(), c.nLayers(), c.dimMlp(), c.frameLength(), c.connectList());
        assertEquals(c, derived);
        DicFaceConfig official = DicFaceConfig.official();
        assertEquals(Map.of(512, 2, 256, 5, 128, 8, 64, 11, 32, 14, 16, 18), official.fuseEncoderBlock());
        assertEquals(Map.of(16, 6, 32, 9, 64, 12, 128, 15, 256, 18, 512, 21), official.fuseGeneratorBlock());
    }

    @Test
    void jsonRoundTrip() {
        DicFaceConfig c = DicFaceConfig.official();
        assertEquals(c, DicFaceConfig.fromJson(c.toJson()));
        assertTrue(c.toJson().contains("\"connect_list\""));
    }

    @Test
    void badConfigsAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson("{\"dim_embed\": 100, \"n_head\": 8}"));
        assertTrue(e.getMessage().contains("not divisible by n_head"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson("[1,2]"));
        assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson("{\"img_size\": \"big\"}"));
        assertTrue(e.getMessage().contains("wrong type"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DicFaceConfig.fromJson("{\"img_size\": 100}"));
        assertTrue(e.getMessage().contains("not divisible by 2^5"), e.getMessage());
    }

    @Test
    void codebookSizesFollowTheConfig() {
        for (int n : new int[] {256, 512, 1024}) {
            DicFaceConfig c = DicFaceConfig.fromJson("{\"img_size\": 64, \"nf\": 32, \"ch_mult\": [1,1,1,2], \"attn_resolutions\": [8],"
                    + "\"codebook_size\": " + n + ", \"codebook_dim\": 32, \"dim_embed\": 32, \"n_head\": 2, \"n_layers\": 1,"
                    + "\"connect_list\": [\"16\", \"32\"]}");
            try (DicFace m = new DicFace(c)) {
                assertArrayEquals(new long[] {n, 32}, m.namedParameters().get("quantize.embedding.weight").shape());
                assertArrayEquals(new long[] {n, 32}, m.namedParameters().get("idx_pred_layer.1.weight").shape());
                assertArrayEquals(new long[] {64, 32}, m.namedParameters().get("position_emb").shape());
            }
        }
    }
}
