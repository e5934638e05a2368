package org.dicface.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicface.torch.DType;

/**
 * A restricted pickle reader for PyTorch state dicts (architecture decision 6). It interprets the pickle
 * opcodes into plain Java values and accepts only the globals a state dict needs:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_parameter} and
 * the {@code torch.*Storage} types. Any other global, and any opcode that would build an arbitrary object,
 * is refused with a clear error; nothing in the file is ever executed.
 *
 * <p>Values: dicts become {@code LinkedHashMap}, lists {@code ArrayList}, tuples {@link Tuple}, str
 * {@code String}, int {@code Long} (or BigInteger), float {@code Double}, None {@link #NONE}; tensors become
 * {@link TensorRef}s pointing into storages named by the archive.
 */
final class Unpickler {
    /** Python's None (Java collections here hold no nulls). */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    record Tuple(List<Object> items) {
    }

    /** A storage record of the archive: its key (file data/KEY), element type and element count. */
    record StorageRef(String key, DType dtype, long numel) {
    }

    /** A tensor view of a storage, as _rebuild_tensor_v2 describes it. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private static final Object MARK = new Object();
    private static final Map<String, DType> STORAGES = Map.of(
            "FloatStorage", DType.FLOAT32, "HalfStorage", DType.FLOAT16, "BFloat16Storage", DType.BFLOAT16,
            "DoubleStorage", DType.FLOAT64, "LongStorage", DType.INT64, "IntStorage", DType.INT32,
            "ShortStorage", DType.INT16, "CharStorage", DType.INT8, "ByteStorage", DType.UINT8, "BoolStorage", DType.BOOL);
    private static final Set<String> CALLABLES = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter");
    private static final int MAX_MEMO = 10_000_000;

    private final ByteBuffer in;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(byte[] pickle, String source) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    static Object load(byte[] pickle, String source) {
        try {
            return new Unpickler(pickle, source).run();
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException | ClassCastException e) {
            throw new CheckpointException(source + ": the pickle is malformed or truncated (" + e + ")", e);
        }
    }

    private CheckpointException refuse(String what) {
        return new CheckpointException(source + ": refusing to load: the pickle " + what
                + ". A PyTorch state dict never needs that; this file may not be a checkpoint, or may be unsafe.");
    }

    private Object run() {
        while (true) {
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get();                                   // PROTO
                case 0x95 -> in.getLong();                               // FRAME
                case '.' -> {                                             // STOP
                    return pop();
                }
                case '(' -> stack.add(MARK);
                case '}' -> stack.add(new LinkedHashMap<>());
                case ']' -> stack.add(new ArrayList<>());
                case ')' -> stack.add(new Tuple(List.of()));
                case 't' -> stack.add(new Tuple(popMark()));
                case 0x85 -> stack.add(new Tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    stack.add(new Tuple(List.of(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    stack.add(new Tuple(List.of(a, b, c)));
                }
                case 'q' -> memoPut(in.get() & 0xff);
                case 'r' -> memoPut(in.getInt() & 0xffffffffL);
                case 0x94 -> memoPut(memo.size());                        // MEMOIZE
                case 'h' -> stack.add(memoGet(in.get() & 0xff));
                case 'j' -> stack.add(memoGet(in.getInt() & 0xffffffffL));
                case 'J' -> stack.add((long) in.getInt());
                case 'K' -> stack.add((long) (in.get() & 0xff));
                case 'M' -> stack.add((long) (in.getShort() & 0xffff));
                case 0x8a -> stack.add(long1(in.get() & 0xff));
                case 'N' -> stack.add(NONE);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));  // big-endian
                case 'X' -> stack.add(utf8(in.getInt()));
                case 0x8c -> stack.add(utf8(in.get() & 0xff));
                case 0x8d -> stack.add(utf8(Math.toIntExact(in.getLong())));
                case 'U', 'C' -> stack.add(bytes(in.get() & 0xff));      // SHORT_BINSTRING, SHORT_BINBYTES
                case 'T', 'B' -> stack.add(bytes(in.getInt()));          // BINSTRING, BINBYTES
                case 'c' -> stack.add(global(line(), line()));
                case 0x93 -> {                                            // STACK_GLOBAL
                    String name = (String) pop();
                    String module = (String) pop();
                    stack.add(global(module, name));
                }
                case 'R' -> {
                    Tuple args = (Tuple) pop();
                    Object callable = pop();
                    stack.add(reduce(callable, args.items()));
                }
                case 'b' -> build(pop(), peek());
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    dict(peek()).put(key, value);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> d = dict(peek());
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        d.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'a' -> {
                    Object value = pop();
                    list(peek()).add(value);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 'Q' -> stack.add(persistent(pop()));
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> stack.add(peek());
                default -> throw refuse(String.format("uses opcode 0x%02x, which builds arbitrary objects or is unknown here", op));
            }
        }
    }

    private Object pop() {
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw new CheckpointException(source + ": the pickle is malformed (a mark where a value was expected)");
        }
        return o;
    }

    private Object peek() {
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) {
            throw new CheckpointException(source + ": the pickle is malformed (no mark)");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    private void memoPut(long index) {
        if (memo.size() >= MAX_MEMO) {
            throw new CheckpointException(source + ": the pickle memo is implausibly large");
        }
        memo.put(index, peek());
    }

    private Object memoGet(long index) {
        Object o = memo.get(index);
        if (o == null) {
            throw new CheckpointException(source + ": the pickle is malformed (memo " + index + " unset)");
        }
        return o;
    }

    private Object long1(int n) {
        byte[] b = new byte[n];
        in.get(b);
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = b[n - 1 - i];
        }
        BigInteger v = n == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) {
        if (n < 0 || n > in.remaining()) {
            throw new CheckpointException(source + ": the pickle is truncated (a string of " + n + " bytes)");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        for (byte b = in.get(); b != '\n'; b = in.get()) {
            sb.append((char) (b & 0xff));
        }
        return sb.toString();
    }

    private Global global(String module, String name) {
        Global g = new Global(module, name);
        boolean storage = module.equals("torch") && STORAGES.containsKey(name);
        if (!storage && !CALLABLES.contains(g.qualified())) {
            throw refuse("asks for " + g.qualified());
        }
        return g;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) {
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private Object reduce(Object callable, List<Object> args) {
        if (!(callable instanceof Global g) || !CALLABLES.contains(g.qualified())) {
            throw refuse("calls " + callable);
        }
        return switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                if (!args.isEmpty()) {
                    throw refuse("builds an OrderedDict from arguments");
                }
                yield new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                if (args.size() < 4 || !(args.get(0) instanceof StorageRef s)) {
                    throw new CheckpointException(source + ": malformed tensor record " + args);
                }
                yield new TensorRef(s, (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
            }
            default -> args.get(0);   // _rebuild_parameter(data, requires_grad, hooks): the data
        };
    }

    private static long[] longs(Object tuple) {
        List<Object> items = ((Tuple) tuple).items();
        long[] r = new long[items.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = (Long) items.get(i);
        }
        return r;
    }

    /** BUILD: only the {@code _metadata} state of an OrderedDict state dict is accepted (and ignored). */
    private void build(Object state, Object target) {
        if (!(target instanceof Map) || !(state instanceof Map)) {
            throw refuse("sets the state of " + (target instanceof Map ? "a dict" : String.valueOf(target)));
        }
    }

    /** ('storage', storage type, key, location, numel) of torch.save's zip format. */
    private Object persistent(Object pid) {
        if (!(pid instanceof Tuple t) || t.items().size() < 5 || !"storage".equals(t.items().get(0))
                || !(t.items().get(1) instanceof Global type) || !(t.items().get(2) instanceof String key)) {
            throw refuse("names a persistent object that is not a tensor storage: " + pid);
        }
        DType dtype = STORAGES.get(type.name());
        if (dtype == null) {
            throw refuse("names an unknown storage type " + type.qualified());
        }
        return new StorageRef(key, dtype, (Long) t.items().get(4));
    }
}
