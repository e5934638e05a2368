package org.dicface.face;

import java.util.Arrays;

/**
 * The optimal one-to-one assignment of rows to columns of a cost matrix (Hungarian method with potentials,
 * O(n^2 m)). Entries that are {@link Double#POSITIVE_INFINITY} are forbidden pairs: the result pairs as many
 * rows as the allowed entries permit and, among those pairings, has the least total cost.
 */
final class Assignment {
    private Assignment() {
    }

    /** For each row the assigned column, or -1. */
    static int[] solve(double[][] cost) {
        int rows = cost.length;
        int cols = rows == 0 ? 0 : cost[0].length;
        int[] result = new int[rows];
        Arrays.fill(result, -1);
        if (rows == 0 || cols == 0) {
            return result;
        }
        boolean transposed = rows > cols;
        int n = transposed ? cols : rows;
        int m = transposed ? rows : cols;
        // forbidden pairs cost more than any allowed assignment, so the fewest of them are used; they are
        // removed from the result afterwards
        double big = 1;
        for (double[] row : cost) {
            for (double c : row) {
                if (c != Double.POSITIVE_INFINITY) {
                    if (!Double.isFinite(c) || c < 0) {
                        throw new IllegalArgumentException("assignment costs must be finite and >= 0, not " + c);
                    }
                    big += c;
                }
            }
        }
        double[][] a = new double[n + 1][m + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double c = transposed ? cost[j][i] : cost[i][j];
                a[i + 1][j + 1] = c == Double.POSITIVE_INFINITY ? big : c;
            }
        }
        int[] match = hungarian(a, n, m);
        for (int j = 1; j <= m; j++) {
            int i = match[j];
            if (i == 0 || a[i][j] >= big) {
                continue;
            }
            if (transposed) {
                result[j - 1] = i - 1;
            } else {
                result[i - 1] = j - 1;
            }
        }
        return result;
    }

    /** The classic potentials form for n <= m, 1-based: the row matched to each column (0 for none). */
    private static int[] hungarian(double[][] a, int n, int m) {
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] p = new int[m + 1];
        int[] way = new int[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            double[] minv = new double[m + 1];
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            boolean[] used = new boolean[m + 1];
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = a[i0][j] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        return p;
    }
}
