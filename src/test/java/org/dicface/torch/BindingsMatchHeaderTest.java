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
