package org.dicface.torch;

import java.util.Locale;

/** Where a tensor lives: the CPU or one CUDA device. */
public record Device(Type type, int index) {
    public enum Type {
        CPU(0), CUDA(1);

        final int code;

        Type(int code) {
            this.code = code;
        }
    }

    public static final Device CPU = new Device(Type.CPU, -1);

    public Device {
        if (type == Type.CPU && index != -1) {
            throw new IllegalArgumentException("the CPU device has no index");
        }
        if (type == Type.CUDA && index < 0) {
            throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
        }
    }

    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    /** CUDA device 0 when libtorch can use CUDA here, otherwise the CPU. */
    public static Device best() {
        return Torch.cudaAvailable() ? cuda(0) : CPU;
    }

    /** Parses "cpu", "cuda", "cuda:1" or "auto" (= {@link #best()}). */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("auto")) {
            return best();
        }
        if (t.equals("cuda")) {
            return cuda(0);
        }
        if (t.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(t.substring(5)));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "': use cpu, cuda, cuda:N or auto");
    }

    static Device of(int typeCode, int index) {
        return typeCode == Type.CUDA.code ? cuda(Math.max(index, 0)) : CPU;
    }

    @Override
    public String toString() {
        return type == Type.CPU ? "cpu" : "cuda:" + index;
    }
}
