package org.dicface.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ij.ImagePlus;
import org.dicface.torch.Scope;
import org.dicface.torch.Tensor;
import org.dicface.video.StackSource;

/**
 * Training clips (aligned faces) and the official sampling of them: each draw picks a clip, a random window of
 * frame_length consecutive frames (interval 1, inside the clip), reversed with p 0.5; frames are resized to
 * the model's size. Unlike the official dataset, frames and any per-frame data stay matched when reversed.
 */
public final class ClipData {
    private final List<StackSource> clips = new ArrayList<>();
    private final int size;
    private final int length;

    public ClipData(List<ImagePlus> clips, int size, int length) {
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("no training clips");
        }
        for (ImagePlus imp : clips) {
            this.clips.add(new StackSource(imp));
        }
        this.size = size;
        this.length = length;
    }

    public int clipCount() {
        return clips.size();
    }

    /**
     * One window [length, 3, size, size] in [0, 1], the range of the degradations, read so from the pixels;
     * shorter clips repeat their last frame.
     */
    public Tensor window(Random random) {
        StackSource clip = clips.get(random.nextInt(clips.size()));
        int n = clip.frameCount();
        int start = n > length ? random.nextInt(n - length + 1) : 0;
        boolean reverse = random.nextDouble() < 0.5;
        try (Scope scope = Scope.open()) {
            List<Tensor> frames = new ArrayList<>();
            for (int k = 0; k < length; k++) {
                int index = Math.min(start + (reverse ? length - 1 - k : k), n - 1);
                Tensor f = clip.unitFrame(index).unsqueeze(0);
                if (clip.width() != size || clip.height() != size) {
                    f = f.upsampleBilinear(size, size, false);
                }
                frames.add(f);
            }
            return scope.keep(Tensor.cat(frames, 0));
        }
    }
}
