package org.dicface.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SimilarityTest {
    private static final Landmarks POINTS = new Landmarks(new double[] {
        310.2, 205.7, 372.9, 210.4, 341.0, 248.3, 315.5, 281.9, 366.8, 285.0});

    @Test
    void inverseAndComposeAreConsistent() {
        Similarity s = Similarity.of(1.7, 0.3, 12.5, -40.25);
        assertEquals(1.7, s.scale(), 1e-12);
        assertEquals(0.3, s.rotation(), 1e-12);
        Similarity id = s.compose(s.inverse());
        assertEquals(1, id.a(), 1e-12);
        assertEquals(0, id.b(), 1e-12);
        assertEquals(0, id.tx(), 1e-10);
        assertEquals(0, id.ty(), 1e-10);
        Similarity t = Similarity.of(0.5, -1.1, 3, 4);
        Similarity st = s.compose(t); // t first, then s
        double x = 17.3, y = -4.2;
        assertEquals(s.applyX(t.applyX(x, y), t.applyY(x, y)), st.applyX(x, y), 1e-10);
        assertEquals(s.applyY(t.applyX(x, y), t.applyY(x, y)), st.applyY(x, y), 1e-10);
        assertEquals(-s.b(), s.matrix()[1]);
        assertEquals(s.ty(), s.matrix()[5]);
    }

    @Test
    void bothFitsRecoverAKnownTransformExactly() {
        Similarity truth = Similarity.of(2.31, -0.42, -377.5, 81.25);
        Landmarks target = truth.apply(POINTS);
        for (Similarity fit : new Similarity[] {SimilarityFit.leastSquares(POINTS, target), SimilarityFit.robust(POINTS, target)}) {
            assertEquals(truth.a(), fit.a(), 1e-12);
            assertEquals(truth.b(), fit.b(), 1e-12);
            assertEquals(truth.tx(), fit.tx(), 1e-9);
            assertEquals(truth.ty(), fit.ty(), 1e-9);
        }
    }

    @Test
    void theRobustFitIgnoresOneOutlier() {
        Similarity truth = Similarity.of(1.9, 0.15, -300, -90);
        double[] xy = truth.apply(POINTS).xy();
        xy[4] += 35; // the nose tip lands far off
        xy[5] -= 20;
        Landmarks target = new Landmarks(xy);
        Similarity robust = SimilarityFit.robust(POINTS, target);
        assertEquals(truth.a(), robust.a(), 1e-12);
        assertEquals(truth.b(), robust.b(), 1e-12);
        assertEquals(truth.tx(), robust.tx(), 1e-9);
        assertEquals(truth.ty(), robust.ty(), 1e-9);
        Similarity ls = SimilarityFit.leastSquares(POINTS, target);
        assertTrue(Math.abs(ls.tx() - truth.tx()) > 1, "least squares is pulled by the outlier: " + ls);
    }

    @Test
    void leastSquaresMatchesNumpyUmeyama() {
        // numpy Umeyama (SVD of the cross-covariance, reflection excluded) of these points onto the 512 template:
        // a = c·R[0,0], b = c·R[1,0], t; see the test's points above
        Similarity fit = SimilarityFit.leastSquares(POINTS, FaceTemplate.points(512));
        assertEquals(1.860931087499, fit.a(), 1e-9);
        assertEquals(-0.068548956760, fit.b(), 1e-9);
        assertEquals(-395.405721633454, fit.tx(), 1e-7);
        assertEquals(-127.534173644542, fit.ty(), 1e-7);
    }

    @Test
    void theRobustFitOfNoisyPointsStaysNearTheLeastSquaresOne() {
        Similarity truth = Similarity.of(1.5, 0.05, -200, -60);
        double[] xy = truth.apply(POINTS).xy();
        double[] noise = {0.4, -0.3, -0.2, 0.5, 0.1, 0.2, -0.45, -0.1, 0.3, -0.35};
        for (int i = 0; i < xy.length; i++) {
            xy[i] += noise[i];
        }
        Landmarks target = new Landmarks(xy);
        Similarity robust = SimilarityFit.robust(POINTS, target);
        for (int i = 0; i < POINTS.count(); i++) {
            double dx = robust.applyX(POINTS.x(i), POINTS.y(i)) - truth.applyX(POINTS.x(i), POINTS.y(i));
            double dy = robust.applyY(POINTS.x(i), POINTS.y(i)) - truth.applyY(POINTS.x(i), POINTS.y(i));
            assertTrue(Math.hypot(dx, dy) < 1.0, "point " + i + " off by " + Math.hypot(dx, dy));
        }
    }

    @Test
    void theTemplateScalesWithPixelCentresAtIntegers() {
        Landmarks t512 = FaceTemplate.points(512);
        assertEquals(192.98138, t512.x(0), 1e-12);
        assertEquals(371.15118, t512.y(4), 1e-12);
        Landmarks t256 = FaceTemplate.points(256);
        assertEquals((192.98138 + 0.5) / 2 - 0.5, t256.x(0), 1e-12);
        // the synthetic face's alignment points are the template's, so aligning it gives the scaled template
        Similarity m = FaceTemplate.alignment(SyntheticFace.crop512().alignmentPoints(), 256);
        assertEquals(0.5, m.scale(), 1e-9);
        assertEquals(0, m.rotation(), 1e-9);
        assertEquals(-0.25, m.tx(), 1e-7);
    }

    @Test
    void degenerateInputsAreRefusedWithAMessage() {
        Landmarks same = new Landmarks(new double[] {1, 1, 1, 1, 1, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimilarityFit.robust(same, same));
        assertTrue(e.getMessage().contains("coincide"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SimilarityFit.leastSquares(POINTS, new Landmarks(new double[] {0, 0, 1, 1})));
    }
}
