package org.dicface.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Pickle opcodes of torch.save's protocol-2 pickles, split into ops, and hostile pickles made from scratch. */
public final class Pickles {
    private Pickles() {
    }

    /** One opcode with its operand: bytes [pos, pos + len) of the pickle. */
    public record Op(int code, int pos, int len) {
        public boolean isInt() {
            return code == 'K' || code == 'M' || code == 'J' || code == 0x8a;
        }

        public boolean isMemo() {
            return code == 'q' || code == 'r' || code == 0x94;
        }
    }

    /** The ops of a well-formed seed pickle (the seeds are trusted; anything unknown is a bug here). */
    public static List<Op> ops(byte[] p) {
        List<Op> ops = new ArrayList<>();
        int i = 0;
        while (i < p.length) {
            int code = p[i] & 0xff;
            int len = switch (code) {
                case 0x80, 'q', 'h', 'K', 'U', 'C' -> 2;
                case 'M' -> 3;
                case 'r', 'j', 'J' -> 5;
                case 'G' -> 9;
                case 0x8a -> 2 + (p[i + 1] & 0xff);
                case 'X', 'T', 'B' -> 5 + le32(p, i + 1);
                case 0x8c -> 2 + (p[i + 1] & 0xff);
                case 'c' -> {
                    int j = i + 1;
                    for (int lines = 0; lines < 2; j++) {
                        if (p[j] == '\n') {
                            lines++;
                        }
                    }
                    yield j - i;
                }
                case '}', ')', ']', '(', 't', 0x85, 0x86, 0x87, 'Q', 'R', 'u', 's', 'b', 0x88, 0x89, 'N', '.', 'e', 'a',
                        '0', '1', '2', 0x94, 0x93 -> 1;
                default -> throw new IllegalStateException("seed pickle opcode " + code + " at " + i);
            };
            ops.add(new Op(code, i, len));
            i += len;
        }
        return ops;
    }

    private static int le32(byte[] p, int at) {
        return (p[at] & 0xff) | (p[at + 1] & 0xff) << 8 | (p[at + 2] & 0xff) << 16 | (p[at + 3] & 0xff) << 24;
    }

    /** Indices of the ops that give each tensor record's storage offset (the int right after BINPERSID). */
    public static List<Integer> offsetOps(List<Op> ops) {
        List<Integer> result = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).code() == 'Q') {
                int j = skipMemo(ops, i + 1);
                if (j < ops.size() && ops.get(j).isInt()) {
                    result.add(j);
                }
            }
        }
        return result;
    }

    /** The op index of a tensor's first size, or -1 for a 0-d tensor (the shape tuple follows the offset). */
    public static int firstSizeOp(List<Op> ops, int offsetOp) {
        int j = skipMemo(ops, offsetOp + 1);
        if (j < ops.size() && ops.get(j).code() == '(') {
            j++;
        }
        return j < ops.size() && ops.get(j).isInt() ? j : -1;
    }

    /** The op index of the element count in each storage's persistent id ('storage', type, key, location, numel). */
    public static List<Integer> numelOps(List<Op> ops) {
        List<Integer> result = new ArrayList<>();
        for (int i = 1; i < ops.size(); i++) {
            if (ops.get(i).code() == 't' && ops.get(i - 1).isInt()) {
                int j = skipMemo(ops, i + 1);
                if (j < ops.size() && ops.get(j).code() == 'Q') {
                    result.add(i - 1);
                }
            }
        }
        return result;
    }

    private static int skipMemo(List<Op> ops, int j) {
        while (j < ops.size() && ops.get(j).isMemo()) {
            j++;
        }
        return j;
    }

    /** The pickle with one op replaced by other bytes. */
    public static byte[] replace(byte[] p, Op op, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(p, 0, op.pos());
        out.writeBytes(with);
        out.write(p, op.pos() + op.len(), p.length - op.pos() - op.len());
        return out.toByteArray();
    }

    /** LONG1 of any integer (8 bytes suffice for the int64 limits; more for beyond). */
    public static byte[] long1(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] op = new byte[2 + be.length];
        op[0] = (byte) 0x8a;
        op[1] = (byte) be.length;
        for (int i = 0; i < be.length; i++) {
            op[2 + i] = be[be.length - 1 - i];
        }
        return op;
    }

    // ---- hostile pickles made from scratch ----

    private static final byte[] HEAD = {(byte) 0x80, 2};

    private static ByteArrayOutputStream start() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEAD);
        return out;
    }

    private static void binput(ByteArrayOutputStream out, int index) {
        out.write('r');
        for (int i = 0; i < 4; i++) {
            out.write(index >>> (8 * i));
        }
    }

    private static void binget(ByteArrayOutputStream out, int index) {
        out.write('j');
        for (int i = 0; i < 4; i++) {
            out.write(index >>> (8 * i));
        }
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        for (int i = 0; i < 4; i++) {
            out.write(b.length >>> (8 * i));
        }
        out.writeBytes(b);
    }

    /** A graph of `levels` lists, each holding the one below twice: 2^levels paths through a few bytes. */
    private static void sharedGraph(ByteArrayOutputStream out, int levels) {
        out.write(']');
        binput(out, 0);
        out.write('0');
        for (int level = 1; level < levels; level++) {
            out.write(']');
            binget(out, level - 1);
            out.write('a');
            binget(out, level - 1);
            out.write('a');
            binput(out, level);
            out.write('0');   // POP: only the memo keeps the levels below
        }
        binget(out, levels - 1);
    }

    /** {key: 1} where the key is a shared-list graph (hashing it does 2^levels work). */
    public static byte[] sharedKey(int levels) {
        ByteArrayOutputStream out = start();
        out.write('}');
        sharedGraph(out, levels);
        out.write('K');
        out.write(1);
        out.write('s');
        out.write('.');
        return out.toByteArray();
    }

    /** {"x": graph}: a shared graph as a value; a describing or converting reader must not walk its paths. */
    public static byte[] sharedValue(int levels) {
        ByteArrayOutputStream out = start();
        out.write('}');
        string(out, "x");
        sharedGraph(out, levels);
        out.write('s');
        out.write('.');
        return out.toByteArray();
    }

    /** A call of a refused global with a shared graph as argument: the refusal message must stay short. */
    public static byte[] sharedRefusal(int levels) {
        ByteArrayOutputStream out = start();
        out.writeBytes("cposix\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        sharedGraph(out, levels);
        out.write(0x85);
        out.write('R');
        out.write('.');
        return out.toByteArray();
    }

    /** {"x": L} with L a list that contains itself. */
    public static byte[] cyclic() {
        ByteArrayOutputStream out = start();
        out.write('}');
        string(out, "x");
        out.write(']');
        binput(out, 0);
        binget(out, 0);
        out.write('a');
        out.write('s');
        out.write('.');
        return out.toByteArray();
    }

    /** {"x": [[[...]]]}, `depth` lists deep. */
    public static byte[] deep(int depth) {
        ByteArrayOutputStream out = start();
        out.write('}');
        string(out, "x");
        for (int i = 0; i < depth; i++) {
            out.write(']');
        }
        for (int i = 1; i < depth; i++) {
            out.write('a');
        }
        out.write('s');
        out.write('.');
        return out.toByteArray();
    }

    /** `n` marks and empty lists on the stack, never closed. */
    public static byte[] stackBomb(int n) {
        ByteArrayOutputStream out = start();
        for (int i = 0; i < n; i++) {
            out.write(i % 2 == 0 ? '(' : ']');
        }
        out.write('.');
        return out.toByteArray();
    }

    /** {(1, 2): 3}: a tuple as a dict key. */
    public static byte[] tupleKey() {
        ByteArrayOutputStream out = start();
        out.write('}');
        out.write('K');
        out.write(1);
        out.write('K');
        out.write(2);
        out.write(0x86);
        out.write('K');
        out.write(3);
        out.write('s');
        out.write('.');
        return out.toByteArray();
    }

    /** A BINUNICODE8 string claiming `length` bytes. */
    public static byte[] hugeString(long length) {
        ByteArrayOutputStream out = start();
        out.write(0x8d);
        for (int i = 0; i < 8; i++) {
            out.write((int) (length >>> (8 * i)));
        }
        out.writeBytes("abc.".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
