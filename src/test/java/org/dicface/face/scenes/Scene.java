package org.dicface.face.scenes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;
import org.dicface.face.Box;
import org.dicface.face.FaceTracks;
import org.dicface.face.Similarity;
import org.dicface.face.Track;
import org.dicface.face.TrackedFace;
import org.dicface.torch.Tensor;
import org.dicface.video.FrameSource;

/**
 * A test clip composited from stills with known motion, and its ground truth: shots of a background with
 * sprites drawn over it (bilinear, with alpha), each frame rendered only when asked for, so a long clip costs
 * no memory. Pixel centres are at integer coordinates, as everywhere in the project.
 */
public final class Scene {
    private final String name;
    private final int width;
    private final int height;
    private final List<Shot> shots;
    private final boolean gray;

    public Scene(String name, int width, int height, List<Shot> shots) {
        this(name, width, height, shots, false);
    }

    private Scene(String name, int width, int height, List<Shot> shots, boolean gray) {
        if (width < 2 || height < 2 || shots.isEmpty()) {
            throw new IllegalArgumentException(name + ": a scene needs a size and shots");
        }
        for (int i = 0; i < shots.size(); i++) {
            int expected = i == 0 ? 0 : shots.get(i - 1).end();
            if (shots.get(i).first() != expected) {
                throw new IllegalArgumentException(name + ": shot " + i + " starts at " + shots.get(i).first() + ", not " + expected);
            }
        }
        this.name = name;
        this.width = width;
        this.height = height;
        this.shots = List.copyOf(shots);
        this.gray = gray;
    }

    /** The same scene in gray: BT.601 luma in all three channels (the ground truth is unchanged). */
    public Scene gray() {
        return new Scene(name + "-gray", width, height, shots, true);
    }

    public String name() {
        return name;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int frameCount() {
        return shots.getLast().end();
    }

    public boolean isGray() {
        return gray;
    }

    public List<Shot> shots() {
        return shots;
    }

    /** The first frame of each shot, starting with 0 (as tracks.json lists them). */
    public List<Integer> shotStarts() {
        return shots.stream().map(Shot::first).toList();
    }

    /** The frames that start a new shot after a cut (the shot starts but 0). */
    public List<Integer> cuts() {
        return shotStarts().subList(1, shots.size());
    }

    /** The frames as a {@link FrameSource}: RGB float32 [3, H, W] in [-1, 1], each rendered when asked for. */
    public FrameSource frames() {
        return FrameSource.of(frameCount(), width, height, i -> {
            float[] p = pixels(i);
            for (int k = 0; k < p.length; k++) {
                p[k] = 2 * p[k] - 1;
            }
            return Tensor.of(p, 3, height, width);
        });
    }

    /** Frame {@code frame} as 8-bit RGB (for video files and pictures). */
    public ColorProcessor image(int frame) {
        float[] p = pixels(frame);
        int n = width * height;
        int[] px = new int[n];
        for (int i = 0; i < n; i++) {
            px[i] = byteOf(p[i]) << 16 | byteOf(p[n + i]) << 8 | byteOf(p[2 * n + i]);
        }
        return new ColorProcessor(width, height, px);
    }

    /** Every frame as an 8-bit RGB stack in memory (for the Fiji commands and TIFF inputs; small scenes only). */
    public ImagePlus stack() {
        ImageStack stack = new ImageStack(width, height);
        for (int i = 0; i < frameCount(); i++) {
            stack.addSlice("frame " + (i + 1), image(i));
        }
        ImagePlus imp = new ImagePlus(name, stack);
        imp.setDimensions(1, 1, frameCount());
        return imp;
    }

    private static int byteOf(float v) {
        return (int) Math.clamp(Math.round(v * 255), 0, 255);
    }

    public int shotOf(int frame) {
        check(frame);
        for (int i = 0; i < shots.size(); i++) {
            if (frame < shots.get(i).end()) {
                return i;
            }
        }
        throw new AssertionError();
    }

    private void check(int frame) {
        if (frame < 0 || frame >= frameCount()) {
            throw new IndexOutOfBoundsException("frame " + frame + " of " + frameCount());
        }
    }

    /** Frame {@code frame} as planar RGB [3, H, W] in [0, 1]. */
    public float[] pixels(int frame) {
        Shot shot = shots.get(shotOf(frame));
        int n = width * height;
        float[] out = new float[3 * n];
        float[] s = new float[4];
        Similarity inv = shot.backgroundMotion().apply(frame).inverse();
        Sprite bg = shot.background();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = inv.applyX(x, y);
                double v = inv.applyY(x, y);
                int u0 = (int) Math.floor(u);
                int v0 = (int) Math.floor(v);
                bg.sampleRgb(u0, v0, (float) (u - u0), (float) (v - v0), s);  // backgrounds are opaque
                int i = y * width + x;
                out[i] = s[0];
                out[n + i] = s[1];
                out[2 * n + i] = s[2];
            }
        }
        for (Layer layer : shot.layers()) {
            Similarity t = layer.at(frame);
            if (t != null) {
                draw(layer.sprite(), t, out, s);
            }
        }
        if (gray) {
            for (int i = 0; i < n; i++) {
                float l = 0.299f * out[i] + 0.587f * out[n + i] + 0.114f * out[2 * n + i];
                out[i] = l;
                out[n + i] = l;
                out[2 * n + i] = l;
            }
        }
        return out;
    }

    private void draw(Sprite sprite, Similarity t, float[] out, float[] s) {
        Box bounds = bounds(t, new Box(-1, -1, sprite.width() + 1, sprite.height() + 1));
        int x0 = Math.max(0, (int) Math.floor(bounds.x()));
        int y0 = Math.max(0, (int) Math.floor(bounds.y()));
        int x1 = Math.min(width - 1, (int) Math.ceil(bounds.x() + bounds.width()));
        int y1 = Math.min(height - 1, (int) Math.ceil(bounds.y() + bounds.height()));
        Similarity inv = t.inverse();
        int n = width * height;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                sprite.sample(inv.applyX(x, y), inv.applyY(x, y), s);
                float a = s[3];
                if (a > 0) {
                    int i = y * width + x;
                    out[i] += a * (s[0] - out[i]);
                    out[n + i] += a * (s[1] - out[n + i]);
                    out[2 * n + i] += a * (s[2] - out[2 * n + i]);
                }
            }
        }
    }

    /** The ground truth of frame {@code frame}. */
    public FrameTruth truth(int frame) {
        int index = shotOf(frame);
        List<Layer> layers = shots.get(index).layers();
        List<FaceTruth> faces = new ArrayList<>();
        List<Box> distractors = new ArrayList<>();
        for (int k = 0; k < layers.size(); k++) {
            Layer layer = layers.get(k);
            Similarity t = layer.at(frame);
            if (t == null) {
                continue;
            }
            Sprite sprite = layer.sprite();
            switch (layer.kind()) {
                case FACE -> {
                    var points = t.apply(sprite.landmarks());
                    int seen = 0;
                    for (int p = 0; p < points.count(); p++) {
                        seen += visible(points.x(p), points.y(p), layers.subList(k + 1, layers.size()), frame) ? 1 : 0;
                    }
                    faces.add(new FaceTruth(sprite.name(), bounds(t, sprite.box()), points, t, (double) seen / points.count()));
                }
                case DISTRACTOR -> distractors.add(bounds(t, new Box(-0.5, -0.5, sprite.width(), sprite.height())));
                case OCCLUDER -> { }
            }
        }
        return new FrameTruth(frame, index, faces, distractors);
    }

    /** The axis-aligned bounds of a box under a transform (a turned box's corners). */
    static Box bounds(Similarity t, Box box) {
        double x0 = Double.POSITIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (double u : new double[] {box.x(), box.x() + box.width()}) {
            for (double v : new double[] {box.y(), box.y() + box.height()}) {
                x0 = Math.min(x0, t.applyX(u, v));
                x1 = Math.max(x1, t.applyX(u, v));
                y0 = Math.min(y0, t.applyY(u, v));
                y1 = Math.max(y1, t.applyY(u, v));
            }
        }
        return new Box(x0, y0, x1 - x0, y1 - y0);
    }

    /** Whether a point is inside the frame and less than half covered by the layers in front. */
    private boolean visible(double x, double y, List<Layer> inFront, int frame) {
        if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) {
            return false;
        }
        double through = 1;
        for (Layer layer : inFront) {
            Similarity t = layer.at(frame);
            if (t != null) {
                Similarity inv = t.inverse();
                through *= 1 - layer.sprite().alpha(inv.applyX(x, y), inv.applyY(x, y));
            }
        }
        return through >= 0.5;
    }

    /** Ground-truth tracks, and the person each is of: {@code identities.get(id)} for the track with that id. */
    public record TruthTracks(FaceTracks faces, List<String> identities) {
        public TruthTracks {
            identities = List.copyOf(identities);
        }
    }

    /**
     * The tracks a perfect tracker would give: for each person and shot, one track per run of frames where the
     * face is {@linkplain FaceTruth#visible() visible}, with the true box and points (score 1, nothing interpolated).
     */
    public TruthTracks truthTracks(double fps) {
        List<Track> tracks = new ArrayList<>();
        List<String> identities = new ArrayList<>();
        Map<String, List<TrackedFace>> open = new LinkedHashMap<>();
        for (int f = 0; f <= frameCount(); f++) {
            FrameTruth t = f < frameCount() ? truth(f) : null;
            boolean cut = t == null || (f > 0 && t.shot() != shotOf(f - 1));
            Set<String> seen = new HashSet<>();
            if (t != null) {
                for (FaceTruth face : t.visibleFaces()) {
                    seen.add(face.identity());
                }
            }
            for (var it = open.entrySet().iterator(); it.hasNext();) {
                var run = it.next();
                if (cut || !seen.contains(run.getKey())) {
                    identities.add(run.getKey());
                    tracks.add(new Track(tracks.size(), run.getValue()));
                    it.remove();
                }
            }
            if (t != null) {
                for (FaceTruth face : t.visibleFaces()) {
                    open.computeIfAbsent(face.identity(), k -> new ArrayList<>())
                            .add(new TrackedFace(f, face.box(), 1, face.alignmentPoints(), face.landmarks(), false));
                }
            }
        }
        return new TruthTracks(new FaceTracks(width, height, frameCount(), fps, shotStarts(), tracks), identities);
    }

    @Override
    public String toString() {
        return name + " " + width + "x" + height + ", " + frameCount() + " frames";
    }
}
