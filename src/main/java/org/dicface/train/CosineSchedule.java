package org.dicface.train;

/**
 * The official learning-rate schedule (CosineAnnealingRestartLR with one period, no warm-up):
 * lr(t) = etaMin + (base - etaMin) (1 + cos(pi t / period)) / 2, for steps t = 0, 1, ...; official base 5e-5,
 * etaMin 2e-5, period 100,000.
 */
public record CosineSchedule(double base, double etaMin, long period) {
    public static final double OFFICIAL_LR = 5e-5;
    public static final double OFFICIAL_LR_MIN = 2e-5;

    public CosineSchedule {
        if (period <= 0) {
            throw new IllegalArgumentException("the period must be positive, got " + period);
        }
    }

    public static CosineSchedule official(long steps) {
        return new CosineSchedule(OFFICIAL_LR, OFFICIAL_LR_MIN, steps);
    }

    public double lr(long step) {
        double t = Math.min(step, period);
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / period)) / 2;
    }
}
