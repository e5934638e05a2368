package org.dicface.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.dicface.torch.bindings.dicface_torch_h;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hand-made bindings must mirror the C header one to one: names, parameter and return types, constants. */
class BindingsMatchHeaderTest {
    private static final Path HEADER = Path.of("native/include/dicface_torch.h");
    private static final Pattern FUNCTION = Pattern.compile("^DFT_API\\s+([\\w\\s*]+?)\\s*(dft_\\w+)\\(([^)]*)\\);", Pattern.MULTILINE);
    private static final Pattern ENUM = Pattern.compile("enum\\s+\\w+\\s*\\{([^}]*)}", Pattern.DOTALL);

    record CFunction(String name, String returnType, List<String> paramTypes) {
    }

    static Map<String, CFunction> functions;
    static String header;

    @BeforeAll
    static void parse() throws IOException {
        Torch.init();  // resolving a binding's descriptor also checks that the library exports the symbol
        header = Files.readString(HEADER);
        functions = new LinkedHashMap<>();
        Matcher m = FUNCTION.matcher(header);
        while (m.find()) {
            List<String> params = new ArrayList<>();
            String list = m.group(3).trim();
            if (!list.isEmpty() && !list.equals("void")) {
                for (String p : list.split(",")) {
                    String t = p.trim();
                    params.add(t.substring(0, t.length() - t.replaceAll(".*?(\\w+)$", "$1").length()).trim());
                }
            }
            functions.put(m.group(2), new CFunction(m.group(2), m.group(1).trim(), params));
        }
        assertTrue(functions.size() > 50, "header parsed: " + functions.size() + " functions");
    }

    static Class<?> javaType(String cType) {
        if (cType.contains("*")) {
            return MemorySegment.class;
        }
        return switch (cType.replace("const", "").trim()) {
            case "int32_t" -> int.class;
            case "int64_t" -> long.class;
            case "double" -> double.class;
            case "void" -> void.class;
            default -> throw new AssertionError("type not allowed in the C API: " + cType);
        };
    }

    static MemoryLayout layout(String cType) {
        if (cType.contains("*")) {
            return ValueLayout.ADDRESS;
        }
        return switch (cType.replace("const", "").trim()) {
            case "int32_t" -> ValueLayout.JAVA_INT;
            case "int64_t" -> ValueLayout.JAVA_LONG;
            case "double" -> ValueLayout.JAVA_DOUBLE;
            default -> throw new AssertionError(cType);
        };
    }

    @Test
    void everyHeaderFunctionHasABindingWithTheSameSignature() throws Exception {
        List<String> problems = new ArrayList<>();
        for (CFunction f : functions.values()) {
            Class<?>[] params = f.paramTypes().stream().map(BindingsMatchHeaderTest::javaType).toArray(Class<?>[]::new);
            Method method;
            try {
                method = dicface_torch_h.class.getMethod(f.name(), params);
            } catch (NoSuchMethodException e) {
                problems.add(f.name() + Arrays.toString(params) + ": no binding with these parameter types");
                continue;
            }
            if (!Modifier.isStatic(method.getModifiers())) {
                problems.add(f.name() + ": binding is not static");
            }
            if (method.getReturnType() != javaType(f.returnType())) {
                problems.add(f.name() + ": returns " + method.getReturnType() + ", header says " + f.returnType());
            }
            FunctionDescriptor d = (FunctionDescriptor) dicface_torch_h.class.getMethod(f.name() + "$descriptor").invoke(null);
            List<MemoryLayout> expected = f.paramTypes().stream().map(BindingsMatchHeaderTest::layout).toList();
            List<MemoryLayout> actual = d.argumentLayouts().stream().map(BindingsMatchHeaderTest::plain).toList();
            if (!expected.equals(actual)) {
                problems.add(f.name() + ": descriptor arguments " + actual + ", header " + expected);
            }
            boolean isVoid = javaType(f.returnType()) == void.class;
            if (isVoid != d.returnLayout().isEmpty()
                    || (!isVoid && !plain(d.returnLayout().get()).equals(layout(f.returnType())))) {
                problems.add(f.name() + ": descriptor return " + d.returnLayout() + ", header " + f.returnType());
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    /** A layout without target layout or name, to compare shapes of calls only. */
    private static MemoryLayout plain(MemoryLayout l) {
        if (l instanceof java.lang.foreign.AddressLayout) {
            return ValueLayout.ADDRESS;
        }
        return l.withoutName();
    }

    /**
     * The C boundary never crashes on bad handles: every fallible function given NULL for each pointer
     * (but a real slot for outputs) returns an error, unless all its handles are optional.
     */
    @Test
    void everyFallibleFunctionTurnsNullHandlesIntoAnError() throws Exception {
        Torch.init();
        List<String> problems = new ArrayList<>();
        int refused = 0;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            for (CFunction f : functions.values()) {
                if (!f.returnType().equals("dft_error*") || f.paramTypes().stream().noneMatch(t -> t.contains("*"))) {
                    continue;
                }
                Object[] args = new Object[f.paramTypes().size()];
                boolean requiredHandle = false;
                List<MemorySegment> outs = new ArrayList<>();
                for (int i = 0; i < args.length; i++) {
                    String t = f.paramTypes().get(i);
                    if (t.endsWith("**") && !t.contains("const")) {
                        MemorySegment slot = arena.allocate(64);
                        outs.add(slot);
                        args[i] = slot;
                    } else if (t.contains("*")) {
                        requiredHandle |= (t.contains("dft_tensor") || t.contains("dft_generator")) && !optionalHandle(f, i);
                        args[i] = MemorySegment.NULL;
                    } else {
                        args[i] = javaType(t) == int.class ? (Object) 0 : javaType(t) == long.class ? (Object) 0L : (Object) 0.0;
                    }
                }
                MemorySegment error = (MemorySegment) dicface_torch_h.class
                        .getMethod(f.name(), f.paramTypes().stream().map(BindingsMatchHeaderTest::javaType).toArray(Class<?>[]::new))
                        .invoke(null, args);
                if (error.equals(MemorySegment.NULL)) {
                    if (requiredHandle) {
                        problems.add(f.name() + ": accepted NULL handles");
                    }
                    for (MemorySegment slot : outs) {  // optional-only calls may succeed: free what they made
                        MemorySegment h = slot.get(ValueLayout.ADDRESS, 0);
                        if (f.paramTypes().stream().anyMatch(t -> t.equals("dft_generator**"))) {
                            dicface_torch_h.dft_generator_free(h);
                        } else {
                            dicface_torch_h.dft_tensor_free(h);
                        }
                    }
                } else {
                    refused++;
                    String message = dicface_torch_h.dft_error_message(error).getString(0);
                    dicface_torch_h.dft_error_free(error);
                    if (message.isBlank()) {
                        problems.add(f.name() + ": empty error message");
                    }
                    for (MemorySegment slot : outs) {
                        if (!slot.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                            problems.add(f.name() + ": output set although the call failed");
                        }
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
        assertTrue(refused >= 45, "calls refused: " + refused);
        // the infallible functions treat NULL as documented
        assertEquals("", dicface_torch_h.dft_error_message(MemorySegment.NULL).getString(0));
        dicface_torch_h.dft_error_free(MemorySegment.NULL);
        dicface_torch_h.dft_tensor_free(MemorySegment.NULL);
        dicface_torch_h.dft_generator_free(MemorySegment.NULL);
        assertEquals(-1, dicface_torch_h.dft_ndim(MemorySegment.NULL));
        assertEquals(-1, dicface_torch_h.dft_shape(MemorySegment.NULL, MemorySegment.NULL, 0));
        assertEquals(-1, dicface_torch_h.dft_dtype(MemorySegment.NULL));
        assertEquals(-1L, dicface_torch_h.dft_numel(MemorySegment.NULL));
        assertEquals(-1, dicface_torch_h.dft_requires_grad(MemorySegment.NULL));
        assertEquals(-1, dicface_torch_h.dft_is_contiguous(MemorySegment.NULL));
        assertEquals(-1, dicface_torch_h.dft_device_type(MemorySegment.NULL));
    }

    /** Handles the header documents as nullable (or that only serve as data pointers). */
    private static boolean optionalHandle(CFunction f, int index) {
        String line = header.lines().filter(l -> l.contains(" " + f.name() + "(")).findFirst().orElseThrow();
        String params = line.substring(line.indexOf('(') + 1, line.indexOf(')'));
        String name = params.split(",")[index].trim().replaceAll(".*?(\\w+)$", "$1");
        return line.contains(name + " nullable") || line.contains("generator nullable")
                || Set.of("bias", "weight", "gradient").contains(name)
                || (name.equals("generator") && !f.name().startsWith("dft_generator_"));
    }

    @Test
    void noBindingWithoutAHeaderFunction() {
        Set<String> bound = Arrays.stream(dicface_torch_h.class.getMethods())
                .filter(m -> m.getName().startsWith("dft_") && !m.getName().contains("$"))
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        bound.removeAll(functions.keySet());
        assertTrue(bound.isEmpty(), "bindings with no header function: " + bound);
    }

    @Test
    void constantsMatchTheHeader() throws Exception {
        Map<String, Integer> constants = new LinkedHashMap<>();
        Matcher e = ENUM.matcher(header);
        while (e.find()) {
            for (String entry : e.group(1).replaceAll("/\\*.*?\\*/", "").split(",")) {
                if (!entry.isBlank()) {
                    String[] kv = entry.split("=");
                    constants.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
                }
            }
        }
        Matcher d = Pattern.compile("#define\\s+(DFT_API_VERSION)\\s+(\\d+)").matcher(header);
        assertTrue(d.find());
        constants.put(d.group(1), Integer.parseInt(d.group(2)));
        assertFalse(constants.isEmpty());
        for (var c : constants.entrySet()) {
            Object value = dicface_torch_h.class.getMethod(c.getKey()).invoke(null);
            assertEquals(c.getValue(), value, c.getKey());
        }
    }

    @Test
    void javaEnumsUseTheHeaderCodes() {
        for (DType t : DType.values()) {
            try {
                assertEquals(t.code(), dicface_torch_h.class.getMethod("DFT_" + t.name()).invoke(null), t.name());
            } catch (ReflectiveOperationException ex) {
                fail("DType " + t + " has no DFT_" + t.name() + " in the header");
            }
        }
        assertEquals(dicface_torch_h.DFT_MODE_GRAD(), GradMode.GRAD.code);
        assertEquals(dicface_torch_h.DFT_MODE_NO_GRAD(), GradMode.NO_GRAD.code);
        assertEquals(dicface_torch_h.DFT_MODE_INFERENCE(), GradMode.INFERENCE.code);
        assertEquals(dicface_torch_h.DFT_CUDA(), Device.Type.CUDA.code);
        assertEquals(dicface_torch_h.DFT_PAD_REFLECT(), Tensor.PadMode.REFLECT.ordinal());
        assertEquals(dicface_torch_h.DFT_PAD_REPLICATE(), Tensor.PadMode.REPLICATE.ordinal());
    }
}
