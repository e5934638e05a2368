package org.dicface.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Follows every face through a clip, frame by frame, from the detections alone (no frames are held): each
 * frame's detections are matched one-to-one to the open tracks (Hungarian assignment on landmark distance to
 * the track's predicted landmarks, plus box overlap), a track survives up to {@link TrackerOptions#maxGap()}
 * missed frames (filled by linear interpolation inside the track, marked interpolated) and ends after a longer
 * gap; a shot cut ends every track, so nothing is associated or smoothed across it. When the clip ends,
 * {@link #finish} drops the tracks that are too short, smooths each track's landmarks and numbers the tracks
 * from 1 in the order they start.
 */
public final class FaceTracker {
    private final TrackerOptions options;
    private final List<Integer> shots = new ArrayList<>();
    private final List<Open> open = new ArrayList<>();
    private final List<Open> ended = new ArrayList<>();
    private final List<Open> kept = new ArrayList<>();
    private final List<List<TrackedFace>> finished = new ArrayList<>();
    private int frames;
    private int created;
    private boolean done;

    public FaceTracker(TrackerOptions options) {
        this.options = options;
    }

    public FaceTracker() {
        this(TrackerOptions.DEFAULT);
    }

    /** The number of frames added so far. */
    public int frames() {
        return frames;
    }

    /**
     * Adds the next frame's detections (each with 68 landmarks). {@code newShot}: this frame starts a shot (a
     * cut before it, see {@link ShotCuts}); the first frame always starts one.
     */
    public void add(List<Detection> detections, boolean newShot) {
        if (done) {
            throw new IllegalStateException("the tracker has finished");
        }
        for (Detection d : detections) {
            if (d.landmarks().count() != Landmarks.FULL) {
                throw new IllegalArgumentException("a detection needs " + Landmarks.FULL + " landmarks, not "
                        + d.landmarks().count());
            }
        }
        int f = frames;
        if (f == 0 || newShot) {
            endShot();
            shots.add(f);
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            if (f - open.get(i).lastFrame() - 1 > options.maxGap()) {
                ended.add(open.remove(i));
            }
        }
        List<Detection> faces = new ArrayList<>();
        for (Detection d : detections) {
            if (Math.min(d.box().width(), d.box().height()) >= options.minFaceSize()) {
                faces.add(d);
            }
        }
        double[][] cost = new double[open.size()][faces.size()];
        for (int i = 0; i < open.size(); i++) {
            for (int j = 0; j < faces.size(); j++) {
                cost[i][j] = open.get(i).cost(f, faces.get(j), options);
            }
        }
        int[] match = Assignment.solve(cost);
        boolean[] taken = new boolean[faces.size()];
        for (int i = 0; i < match.length; i++) {
            if (match[i] >= 0) {
                open.get(i).add(f, faces.get(match[i]));
                taken[match[i]] = true;
            }
        }
        for (int j = 0; j < faces.size(); j++) {
            if (!taken[j]) {
                Open t = new Open(created++);
                t.add(f, faces.get(j));
                open.add(t);
            }
        }
        frames++;
    }

    /** Ends every track and returns the clip's tracks; the tracker takes no more frames. */
    public FaceTracks finish(int width, int height, double fps) {
        if (!done) {
            endShot();
            done = true;
        }
        finished.sort(Comparator.comparingInt(t -> t.getFirst().frame()));
        List<Track> tracks = new ArrayList<>();
        for (List<TrackedFace> t : finished) {
            tracks.add(new Track(tracks.size() + 1, t));
        }
        return new FaceTracks(width, height, frames, fps, shots, tracks);
    }

    /** Closes the shot that ends before frame {@code frames}: keeps the long enough tracks, smooths them. */
    private void endShot() {
        ended.addAll(open);
        open.clear();
        if (shots.isEmpty()) {
            return;
        }
        int shotLength = frames - shots.getLast();
        ended.sort(Comparator.comparingInt(t -> t.id));
        for (Open t : ended) {
            if (t.detected.size() >= Math.min(options.minTrackLength(), shotLength)) {
                kept.add(t);
            }
        }
        ended.clear();
        for (Open t : kept) {
            finished.add(t.finish(options.smoother()));
        }
        kept.clear();
    }

    /** A track still being followed: its detections, in frame order. */
    private static final class Open {
        final int id;
        final List<Integer> at = new ArrayList<>();
        final List<Detection> detected = new ArrayList<>();

        Open(int id) {
            this.id = id;
        }

        int lastFrame() {
            return at.getLast();
        }

        void add(int frame, Detection d) {
            at.add(frame);
            detected.add(d);
        }

        /** The centroid's motion per frame over the last two detections (none after one). */
        double[] velocity() {
            int n = at.size();
            if (n < 2) {
                return new double[2];
            }
            double[] a = centroid(detected.get(n - 2).landmarks());
            double[] b = centroid(detected.get(n - 1).landmarks());
            double dt = at.get(n - 1) - at.get(n - 2);
            return new double[] {(b[0] - a[0]) / dt, (b[1] - a[1]) / dt};
        }

        /**
         * The cost of continuing with {@code d} in {@code frame}: the mean landmark distance to the prediction
         * (the last landmarks moved on at the last velocity) in face sizes, plus one minus the predicted box's
         * overlap; infinite (not allowed) beyond the options' distance or size ratio.
         */
        double cost(int frame, Detection d, TrackerOptions options) {
            Detection last = detected.getLast();
            double size = Math.max(1, Math.sqrt(last.box().area()));
            double dSize = Math.max(1, Math.sqrt(d.box().area()));
            if (Math.max(size / dSize, dSize / size) > options.maxSizeRatio()) {
                return Double.POSITIVE_INFINITY;
            }
            double[] v = velocity();
            double dt = frame - lastFrame();
            double mx = v[0] * dt;
            double my = v[1] * dt;
            Landmarks p = last.landmarks();
            Landmarks q = d.landmarks();
            double sum = 0;
            for (int i = 0; i < p.count(); i++) {
                sum += Math.hypot(p.x(i) + mx - q.x(i), p.y(i) + my - q.y(i));
            }
            double distance = sum / p.count() / size;
            if (!(distance <= options.maxLandmarkDistance())) {
                return Double.POSITIVE_INFINITY;
            }
            Box b = last.box();
            Box predicted = new Box(b.x() + mx, b.y() + my, b.width(), b.height());
            return distance + (1 - predicted.iou(d.box()));
        }

        /** Every frame from the first detection to the last, missed ones interpolated, landmarks smoothed. */
        List<TrackedFace> finish(LandmarkSmoother smoother) {
            int first = at.getFirst();
            int n = lastFrame() - first + 1;
            double[][] points = new double[n][];
            Box[] boxes = new Box[n];
            double[] scores = new double[n];
            boolean[] filled = new boolean[n];
            for (int k = 0; k < at.size(); k++) {
                int i = at.get(k) - first;
                Detection d = detected.get(k);
                points[i] = d.landmarks().xy();
                boxes[i] = d.box();
                scores[i] = d.score();
                if (k + 1 < at.size()) {
                    int next = at.get(k + 1) - first;
                    Detection e = detected.get(k + 1);
                    for (int j = i + 1; j < next; j++) {
                        double w = (double) (j - i) / (next - i);
                        points[j] = lerp(d.landmarks().xy(), e.landmarks().xy(), w);
                        double[] box = lerp(new double[] {d.box().x(), d.box().y(), d.box().width(), d.box().height()},
                                new double[] {e.box().x(), e.box().y(), e.box().width(), e.box().height()}, w);
                        boxes[j] = new Box(box[0], box[1], box[2], box[3]);
                        scores[j] = d.score() + w * (e.score() - d.score());
                        filled[j] = true;
                    }
                }
            }
            double[][] smooth = smoother.smooth(points);
            List<TrackedFace> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Landmarks l68 = new Landmarks(smooth[i]);
                out.add(new TrackedFace(first + i, boxes[i], scores[i], l68.alignmentPoints(), l68, filled[i]));
            }
            return out;
        }

        private static double[] lerp(double[] a, double[] b, double w) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i] + w * (b[i] - a[i]);
            }
            return out;
        }

        private static double[] centroid(Landmarks l) {
            double sx = 0;
            double sy = 0;
            for (int i = 0; i < l.count(); i++) {
                sx += l.x(i);
                sy += l.y(i);
            }
            return new double[] {sx / l.count(), sy / l.count()};
        }
    }
}
