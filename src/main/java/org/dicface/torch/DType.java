package org.dicface.torch;

/** Tensor element types; codes equal libtorch's c10::ScalarType values (and the C API's dft_dtype). */
public enum DType {
    UINT8(0, 1), INT8(1, 1), INT16(2, 2), INT32(3, 4), INT64(4, 8),
    FLOAT16(5, 2), FLOAT32(6, 4), FLOAT64(7, 8), BOOL(11, 1), BFLOAT16(15, 2);

    private final int code;
    private final int byteSize;

    DType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    public int code() {
        return code;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64 || this == BFLOAT16;
    }

    public static DType ofCode(int code) {
        for (DType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("no DType with libtorch code " + code);
    }
}
