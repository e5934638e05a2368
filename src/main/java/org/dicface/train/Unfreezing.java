package org.dicface.train;

import java.util.List;

import org.dicface.model.DicFace;

/**
 * Which parameters train at a step. {@code OFFICIAL}: everything but the frozen spatial position table, from
 * the first step (the released configs). {@code PROGRESSIVE}: the paper's schedule in thirds of the run —
 * first the encoder and generator (with their fusion blocks), then also the transformer (with its input and
 * head), finally also the codebook.
 */
public enum Unfreezing {
    OFFICIAL, PROGRESSIVE;

    /** The schedule named by a user: official or progressive, any case. */
    public static Unfreezing parse(String name) {
        for (Unfreezing u : values()) {
            if (name != null && u.name().equalsIgnoreCase(name.trim())) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown unfreezing '" + (name == null ? "" : name.trim()) + "': use official or progressive");
    }

    private static final List<String> AUTOENCODER = List.of("encoder.", "generator.", "fuse_convs_dict.");
    private static final List<String> TRANSFORMER = List.of("multiscale.", "feat_emb.", "ft_layers.", "dir_dist_layers.",
            "idx_pred_layer.", "position_emb_temporal");
    private static final List<String> CODEBOOK = List.of("quantize.");

    /** Sets requires_grad on every parameter for {@code step} of a run of {@code total} steps. */
    public void apply(DicFace model, long step, long total) {
        int stage = this == OFFICIAL ? 3 : (int) Math.min(3, 1 + 3 * step / Math.max(total, 1));
        model.namedParameters().forEach((name, p) -> {
            boolean train = !name.equals("position_emb") && (starts(name, AUTOENCODER)
                    || stage >= 2 && starts(name, TRANSFORMER) || stage >= 3 && starts(name, CODEBOOK));
            if (p.requiresGrad() != train) {
                p.requiresGrad(train);
            }
        });
    }

    private static boolean starts(String name, List<String> prefixes) {
        return prefixes.stream().anyMatch(name::startsWith);
    }
}
