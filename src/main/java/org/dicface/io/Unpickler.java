package org.dicface.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicface.torch.DType;

/**
 * A restricted pickle reader for PyTorch state dicts. It interprets the pickle
 * opcodes into plain Java values and accepts only the globals a state dict needs:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_parameter} and
 * the {@code torch.*Storage} types. Any other global, and any opcode that would build an arbitrary object,
 * is refused with a clear error; nothing in the file is ever executed. Work and memory are bounded (values
 * built, stack, memo), dict keys must be plain values, and messages never print a whole value, so a small
 * hostile pickle can neither hang nor exhaust the reader.
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
    private static final int MAX_MEMO = 1_000_000;
    /** Values pushed or put into containers: a state dict needs a few per tensor; this bounds memory and work. */
    private static final long MAX_VALUES = 20_000_000;
    private static final int MAX_STACK = 1_000_000;
    private static final int MAX_LINE = 1_000;
    private static final int MAX_DIMS = 64;
    private static final int MESSAGE_LIMIT = 200;

    private final ByteBuffer in;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private long values;

    private Unpickler(byte[] pickle, String source) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    static Object load(byte[] pickle, String source) {
        try {
            return new Unpickler(pickle, source).run();
        } catch (java.nio.BufferUnderflowException e) {
            throw new CheckpointException(source + ": the pickle is malformed or truncated (it ends early)", e);
        } catch (IndexOutOfBoundsException | ClassCastException | IllegalArgumentException e) {
            throw new CheckpointException(source + ": the pickle is malformed (an operation on a value of the wrong kind, "
                    + "or on too few values)", e);
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
                case '(' -> push(MARK);
                case '}' -> push(new LinkedHashMap<>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(new Tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(new Tuple(List.of(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(new Tuple(List.of(a, b, c)));
                }
                case 'q' -> memoPut(in.get() & 0xff);
                case 'r' -> memoPut(in.getInt() & 0xffffffffL);
                case 0x94 -> memoPut(memo.size());                        // MEMOIZE
                case 'h' -> push(memoGet(in.get() & 0xff));
                case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));
                case 'J' -> push((long) in.getInt());
                case 'K' -> push((long) (in.get() & 0xff));
                case 'M' -> push((long) (in.getShort() & 0xffff));
                case 0x8a -> push(long1(in.get() & 0xff));
                case 'N' -> push(NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));  // big-endian
                case 'X' -> push(utf8(length(in.getInt() & 0xffffffffL)));
                case 0x8c -> push(utf8(in.get() & 0xff));
                case 0x8d -> push(utf8(length(in.getLong())));
                case 'U', 'C' -> push(bytes(in.get() & 0xff));      // SHORT_BINSTRING, SHORT_BINBYTES
                case 'T', 'B' -> push(bytes(length(in.getInt() & 0xffffffffL)));          // BINSTRING, BINBYTES
                case 'c' -> push(global(line(), line()));
                case 0x93 -> {                                            // STACK_GLOBAL
                    String name = text(pop());
                    String module = text(pop());
                    push(global(module, name));
                }
                case 'R' -> {
                    Tuple args = (Tuple) pop();
                    Object callable = pop();
                    push(reduce(callable, args.items()));
                }
                case 'b' -> build(pop(), peek());
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    dict(peek()).put(key(key), value);
                    count(1);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> d = dict(peek());
                    if (items.size() % 2 != 0) {
                        throw malformed("SETITEMS with an odd number of items");
                    }
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        d.put(key(items.get(i)), items.get(i + 1));
                    }
                    count(items.size());
                }
                case 'a' -> {
                    Object value = pop();
                    list(peek()).add(value);
                    count(1);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                    count(items.size());
                }
                case 'Q' -> push(persistent(pop()));
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                default -> throw refuse(String.format("uses opcode 0x%02x, which builds arbitrary objects or is unknown here", op));
            }
        }
    }

    private void push(Object o) {
        if (stack.size() >= MAX_STACK) {
            throw malformed("a stack deeper than " + MAX_STACK + " values");
        }
        count(1);
        stack.add(o);
    }

    private void count(long n) {
        values += n;
        if (values > MAX_VALUES) {
            throw refuse("builds more than " + MAX_VALUES + " values");
        }
    }

    private CheckpointException malformed(String what) {
        return new CheckpointException(source + ": the pickle is malformed (" + what + ")");
    }

    /** Dict keys must be plain values (a state dict has string keys): hashing a container could take forever. */
    private Object key(Object k) {
        if (k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof Double || k == NONE
                || k instanceof BigInteger) {
            return k;
        }
        throw refuse("uses " + describe(k) + " as a dict key");
    }

    private String text(Object o) {
        if (!(o instanceof String str)) {
            throw malformed("a global named by " + describe(o));
        }
        return str;
    }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) {
            throw new CheckpointException(source + ": the pickle is truncated (a string of " + n + " bytes)");
        }
        return (int) n;
    }

    /**
     * A short description of a value for messages: bounded in length and work, whatever the value (pickles
     * can build shared and cyclic graphs whose full text would be astronomically long).
     */
    static String describe(Object o) {
        StringBuilder sb = new StringBuilder();
        describe(o, sb, 0);
        return sb.length() <= MESSAGE_LIMIT ? sb.toString() : sb.substring(0, MESSAGE_LIMIT) + "...";
    }

    private static void describe(Object o, StringBuilder sb, int depth) {
        if (sb.length() > MESSAGE_LIMIT) {
            return;
        }
        if (depth > 3) {
            sb.append("...");
            return;
        }
        switch (o) {
            case String str -> sb.append('\'').append(str, 0, Math.min(str.length(), MESSAGE_LIMIT)).append('\'');
            case Map<?, ?> m -> sb.append("a dict of ").append(m.size()).append(" items");
            case List<?> l -> {
                sb.append('[');
                describeItems(l, sb, depth);
                sb.append(']');
            }
            case Tuple t -> {
                sb.append('(');
                describeItems(t.items(), sb, depth);
                sb.append(')');
            }
            case Global g -> sb.append(g.qualified());
            case StorageRef r -> sb.append("a storage");
            case TensorRef r -> sb.append("a tensor");
            case byte[] b -> sb.append(b.length).append(" bytes");
            default -> sb.append(String.valueOf(o), 0, Math.min(String.valueOf(o).length(), MESSAGE_LIMIT));
        }
    }

    private static void describeItems(List<?> items, StringBuilder sb, int depth) {
        for (int i = 0; i < items.size() && sb.length() <= MESSAGE_LIMIT; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            describe(items.get(i), sb, depth + 1);
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
        if (stack.isEmpty() || peek() == MARK) {
            throw malformed("a memo entry without a value");
        }
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

    /** Strict UTF-8, as Python decodes pickled strings: a malformed name is an error, not a replacement. */
    private String utf8(int n) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes(n))).toString();
        } catch (CharacterCodingException e) {
            throw malformed("a string that is not valid UTF-8");
        }
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
            if (sb.length() >= MAX_LINE) {
                throw malformed("a GLOBAL name longer than " + MAX_LINE + " characters");
            }
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
            throw refuse("calls " + describe(callable));
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
                    throw new CheckpointException(source + ": malformed tensor record " + describe(new Tuple(args)));
                }
                yield tensor(s, args.get(1), args.get(2), args.get(3));
            }
            default -> {   // _rebuild_parameter(data, requires_grad, hooks): the data
                if (args.isEmpty() || !(args.get(0) instanceof TensorRef t)) {
                    throw new CheckpointException(source + ": malformed parameter record " + describe(new Tuple(args)));
                }
                yield t;
            }
        };
    }

    /**
     * A tensor view, checked against its storage with overflow-safe arithmetic (every number here comes from
     * the file): sizes and strides non-negative, and every element inside the storage.
     */
    private TensorRef tensor(StorageRef storage, Object offsetValue, Object shapeValue, Object strideValue) {
        long offset = nonNegative(offsetValue, "storage offset");
        long[] shape = longs(shapeValue, "size");
        long[] stride = longs(strideValue, "stride");
        if (shape.length != stride.length) {
            throw new CheckpointException(source + ": a tensor record has " + shape.length + " sizes but " + stride.length
                    + " strides");
        }
        long last = offset;
        boolean empty = false;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            empty = numel == 0;
            for (int i = 0; i < shape.length && !empty; i++) {
                last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(source + ": a tensor record's size overflows 64 bits");
        }
        long numel = 1;
        for (long d : shape) {
            numel *= d;  // cannot overflow: checked above
        }
        if (numel > Math.max(storage.numel(), 1)) {
            throw new CheckpointException(source + ": a tensor of size " + java.util.Arrays.toString(shape) + " has more "
                    + "elements than its storage of " + storage.numel() + " (an expanded view); weights never are");
        }
        if (empty ? offset > storage.numel() : last >= storage.numel()) {
            throw new CheckpointException(source + ": a tensor of size " + java.util.Arrays.toString(shape) + ", stride "
                    + java.util.Arrays.toString(stride) + " at offset " + offset + " lies outside its storage of "
                    + storage.numel() + " elements");
        }
        return new TensorRef(storage, offset, shape, stride);
    }

    private long nonNegative(Object o, String what) {
        if (!(o instanceof Long v) || v < 0) {
            throw new CheckpointException(source + ": a tensor record has " + what + " " + describe(o)
                    + ", not a non-negative 64-bit integer");
        }
        return v;
    }

    private long[] longs(Object tuple, String what) {
        if (!(tuple instanceof Tuple t) || t.items().size() > MAX_DIMS) {
            throw new CheckpointException(source + ": a tensor record's " + what + " is " + describe(tuple)
                    + ", not a tuple of at most " + MAX_DIMS + " integers");
        }
        long[] r = new long[t.items().size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = nonNegative(t.items().get(i), what);
        }
        return r;
    }

    /** BUILD: only the {@code _metadata} state of an OrderedDict state dict is accepted (and ignored). */
    private void build(Object state, Object target) {
        if (!(target instanceof Map) || !(state instanceof Map)) {
            throw refuse("sets the state of " + describe(target));
        }
    }

    /** ('storage', storage type, key, location, numel) of torch.save's zip format. */
    private Object persistent(Object pid) {
        if (!(pid instanceof Tuple t) || t.items().size() < 5 || !"storage".equals(t.items().get(0))
                || !(t.items().get(1) instanceof Global type) || !(t.items().get(2) instanceof String key)) {
            throw refuse("names a persistent object that is not a tensor storage: " + describe(pid));
        }
        DType dtype = STORAGES.get(type.name());
        if (dtype == null) {
            throw refuse("names an unknown storage type " + type.qualified());
        }
        if (!(t.items().get(4) instanceof Long numel) || numel < 0) {
            throw new CheckpointException(source + ": storage " + describe(key) + " has " + describe(t.items().get(4))
                    + " elements");
        }
        return new StorageRef(key, dtype, numel);
    }
}
