package org.dicface.model;

import org.dicface.torch.DType;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;

/**
 * How a batch of frames uses the codebook: the weight each entry receives (summed over all latent cells of
 * all frames, normalised to sum 1), how many entries carry 90 % of the weight, and the entropy of the usage.
 *
 * @param share          per entry, its share of all weight (sums to 1)
 * @param entriesFor90   the fewest entries whose shares add up to at least 0.9
 * @param entropyBits    entropy of the shares in bits (log2 N for uniform use)
 */
public record CodebookUsage(double[] share, int entriesFor90, double entropyBits) {

    /** From weights w [..., N] (any leading shape: frames and cells). */
    public static CodebookUsage of(Tensor w) {
        double[] share;
        try (Scope scope = Scope.open()) {
            long n = w.size(-1);
            Tensor total = w.reshape(-1, n).to(DType.FLOAT64).sum(new long[] {0}, false);
            share = total.div(total.sum()).toDoubleArray();
        }
        return ofShares(share);
    }

    /**
     * The usage of several runs together (the faces of one video, say), each weighted by its frames: every frame
     * has the same number of latent cells, each carrying weight 1. No runs, or no frames: an unused codebook of
     * {@code entries} entries.
     */
    public static CodebookUsage combined(java.util.List<CodebookUsage> parts, java.util.List<Integer> frames, int entries) {
        double[] share = new double[entries];
        long total = 0;
        for (int k = 0; k < parts.size(); k++) {
            double[] part = parts.get(k).share();
            if (part.length != entries) {
                throw new IllegalArgumentException("a codebook of " + part.length + " entries, not " + entries);
            }
            for (int i = 0; i < entries; i++) {
                share[i] += part[i] * frames.get(k);
            }
            total += frames.get(k);
        }
        if (total == 0) {
            return new CodebookUsage(share, 0, 0);
        }
        for (int i = 0; i < entries; i++) {
            share[i] /= total;
        }
        return ofShares(share);
    }

    private static CodebookUsage ofShares(double[] share) {
        double[] sorted = share.clone();
        java.util.Arrays.sort(sorted);
        double acc = 0;
        int count = 0;
        for (int i = sorted.length - 1; i >= 0 && acc < 0.9; i--) {
            acc += sorted[i];
            count++;
        }
        double entropy = 0;
        for (double p : share) {
            if (p > 0) {
                entropy -= p * Math.log(p) / Math.log(2);
            }
        }
        return new CodebookUsage(share, count, entropy);
    }

    /** A CSV table: entry, share. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("entry,share\n");
        for (int i = 0; i < share.length; i++) {
            sb.append(i).append(',').append(share[i]).append('\n');
        }
        return sb.toString();
    }

    /** A table {@link #toCsv} wrote (of a segment restored elsewhere, say), checked: {@code entries} shares in [0, 1]. */
    public static CodebookUsage fromCsv(String csv, int entries) {
        String[] lines = csv.strip().split("\\R");
        if (lines.length != entries + 1 || !lines[0].equals("entry,share")) {
            throw new IllegalArgumentException("not a codebook-usage table of " + entries + " entries");
        }
        double[] share = new double[entries];
        for (int i = 0; i < entries; i++) {
            String[] cells = lines[i + 1].split(",");
            double v = cells.length == 2 && cells[0].equals(Integer.toString(i)) ? Double.parseDouble(cells[1]) : Double.NaN;
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("line " + (i + 2) + " of a codebook-usage table is not 'entry,share': " + lines[i + 1]);
            }
            share[i] = v;
        }
        return ofShares(share);
    }
}
