package org.dicface.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.dicface.face.FaceMask;
import org.dicface.face.FaceTemplate;
import org.dicface.face.Landmarks;
import org.dicface.face.PasteBack;
import org.dicface.face.PasteBack.PlacedFace;
import org.dicface.face.Similarity;
import org.dicface.face.SyntheticFaces;
import org.dicface.face.Warp;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.torch.Torch;

/**
 * The alignment and paste-back benchmark of scripts/bench-faces.sh: median milliseconds per face of the
 * warp to the aligned crop, of the landmark mask, and of the paste-back, with three faces in 640×480 and in
 * 1920×1080 frames (face boxes of 0.40, 0.25 and 0.15 of the frame's height; the aligned crop's footprint is about 1.5 times a box's side), and per frame of the frame's copy
 * and the gray test. Each figure is given as wall time and as the thread's CPU time ({@code _cpu}): the work
 * is single-threaded Java, so on a shared, loaded machine the CPU time is the better estimate of the wall
 * time on an idle one. Usage: AlignmentBenchmark [crop size, default 512]
 */
public final class AlignmentBenchmark {
    private AlignmentBenchmark() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        Torch.init();
        System.out.println("# threads " + Torch.numThreads() + ", crop " + size);
        for (int[] wh : new int[][] {{640, 480}, {1920, 1080}}) {
            run(wh[0], wh[1], size);
        }
    }

    private static void run(int w, int h, int size) {
        try (Scope scope = Scope.open()) {
            Tensor frame = Tensor.uniform(-1, 1, null, 3, h, w);
            double[] heights = {0.40, 0.25, 0.15};
            List<Similarity> transforms = new ArrayList<>();
            List<Landmarks> landmarks = new ArrayList<>();
            for (int i = 0; i < heights.length; i++) {
                double side = heights[i] * h;
                Landmarks l68 = new Landmarks(new SyntheticFaces.Pose(w * (0.25 + 0.25 * i), h * 0.5, side,
                        0.1 * (i - 1), 0).points());
                landmarks.add(l68);
                transforms.add(FaceTemplate.alignment(l68.alignmentPoints(), size));
            }
            double[] align = perFace(() -> {
                for (Similarity m : transforms) {
                    Warp.align(frame, m, size).close();
                }
            }, transforms.size());
            double[] mask = perFace(() -> {
                for (int i = 0; i < transforms.size(); i++) {
                    FaceMask.of(landmarks.get(i), transforms.get(i), size);
                }
            }, transforms.size());
            List<PlacedFace> faces = new ArrayList<>();
            for (int i = 0; i < transforms.size(); i++) {
                Tensor crop = Warp.align(frame, transforms.get(i), size);
                faces.add(new PlacedFace(crop, transforms.get(i), FaceMask.of(landmarks.get(i), transforms.get(i), size)));
            }
            double[] copy = perFace(() -> PasteBack.composite(frame, List.of(), false).close(), 1);
            double[] paste = perFace(() -> PasteBack.composite(frame, faces, false).close(), 1);
            double[] gray = perFace(() -> PasteBack.isGray(frame), 1);
            double[] pastePerFace = {(paste[0] - copy[0]) / faces.size(), (paste[1] - copy[1]) / faces.size()};
            System.out.printf("RESULT frame=%dx%d face_boxes_px=%d/%d/%d %s %s %s %s %s%n", w, h,
                    Math.round(heights[0] * h), Math.round(heights[1] * h), Math.round(heights[2] * h),
                    figure("align_ms_per_face", align), figure("mask_ms_per_face", mask),
                    figure("paste_ms_per_face", pastePerFace), figure("frame_copy_ms", copy), figure("is_gray_ms", gray));
        }
    }

    private static String figure(String key, double[] wallCpu) {
        return String.format("%s=%.2f %s_cpu=%.2f", key, wallCpu[0], key, wallCpu[1]);
    }

    /**
     * Wall and thread-CPU milliseconds per face: the best of 3 rounds, each the median of ≥ 10 runs and
     * ≥ 0.5 s, after a 0.5 s warm-up.
     */
    private static double[] perFace(Runnable body, int faces) {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long warm = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < warm) {
            body.run();
        }
        double bestWall = Double.POSITIVE_INFINITY;
        double bestCpu = Double.POSITIVE_INFINITY;
        for (int round = 0; round < 3; round++) {
            List<Double> wall = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            long end = System.nanoTime() + 500_000_000L;
            while (wall.size() < 10 || System.nanoTime() < end) {
                long t0 = System.nanoTime();
                long c0 = bean.getCurrentThreadCpuTime();
                try (Scope s = Scope.open()) {
                    body.run();
                }
                cpu.add((bean.getCurrentThreadCpuTime() - c0) / 1e6);
                wall.add((System.nanoTime() - t0) / 1e6);
            }
            bestWall = Math.min(bestWall, median(wall));
            bestCpu = Math.min(bestCpu, median(cpu));
        }
        return new double[] {bestWall / faces, bestCpu / faces};
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
