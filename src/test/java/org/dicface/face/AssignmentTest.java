package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

class AssignmentTest {
    /** Against every assignment tried by brute force, on random matrices of all shapes up to 5 x 5, some pairs forbidden. */
    @Test
    void optimalAgainstBruteForce() {
        Random r = new Random(42);
        for (int trial = 0; trial < 400; trial++) {
            int rows = r.nextInt(6);
            int cols = r.nextInt(6);
            double[][] c = new double[rows][cols];
            for (double[] row : c) {
                for (int j = 0; j < cols; j++) {
                    row[j] = r.nextDouble() < 0.3 ? Double.POSITIVE_INFINITY : r.nextInt(20) / 4.0;
                }
            }
            int[] got = Assignment.solve(c);
            double[] best = brute(c, 0, new boolean[cols]);
            int pairs = 0;
            double total = 0;
            boolean[] used = new boolean[cols];
            for (int i = 0; i < rows; i++) {
                if (got[i] >= 0) {
                    assertEquals(false, used[got[i]], "column used twice");
                    used[got[i]] = true;
                    assertEquals(true, Double.isFinite(c[i][got[i]]), "a forbidden pair");
                    pairs++;
                    total += c[i][got[i]];
                }
            }
            assertEquals(best[0], pairs, "pairs, trial " + trial);
            assertEquals(best[1], total, 1e-9, "cost, trial " + trial);
        }
    }

    @Test
    void simpleCases() {
        assertArrayEquals(new int[] {1, 0}, Assignment.solve(new double[][] {{5, 1}, {1, 5}}));
        assertArrayEquals(new int[] {-1, 0}, Assignment.solve(new double[][] {{Double.POSITIVE_INFINITY}, {2}}));
        assertArrayEquals(new int[0], Assignment.solve(new double[0][0]));
    }

    /** {most pairs, least cost among those} over all partial assignments of rows from {@code i}. */
    private static double[] brute(double[][] c, int i, boolean[] used) {
        if (i == c.length) {
            return new double[] {0, 0};
        }
        double[] best = brute(c, i + 1, used); // row i unassigned
        for (int j = 0; j < used.length; j++) {
            if (!used[j] && Double.isFinite(c[i][j])) {
                used[j] = true;
                double[] rest = brute(c, i + 1, used);
                used[j] = false;
                double pairs = rest[0] + 1;
                double cost = rest[1] + c[i][j];
                if (pairs > best[0] || pairs == best[0] && cost < best[1] - 1e-12) {
                    best = new double[] {pairs, cost};
                }
            }
        }
        return best;
    }
}
