package org.dicface.boot;

/**
 * Tells a user on too old a Java what to do, instead of an UnsupportedClassVersionError.
 *
 * <p>Compiled for Java 8 (see pom.xml) so that it runs on any Java Fiji may be started with; everything
 * else in DicFace needs Java 22+ for the Foreign Function & Memory API and is compiled for 25.
 */
public final class JavaVersionCheck {
    /** The first Java with the final Foreign Function & Memory API. */
    public static final int MINIMUM_FEATURE = 22;

    private JavaVersionCheck() {
    }

    /** The feature release of a {@code java.specification.version} value ("1.8" is 8, "21" is 21). */
    public static int feature(String specificationVersion) {
        String v = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }

    /** The problem with the running Java, or null when it is recent enough. */
    public static String problem() {
        return problem(System.getProperty("java.specification.version", "0"), System.getProperty("java.home", "?"));
    }

    static String problem(String specificationVersion, String javaHome) {
        int feature = feature(specificationVersion);
        if (feature >= MINIMUM_FEATURE) {
            return null;
        }
        return "DicFace needs Java " + MINIMUM_FEATURE + " or newer (Java 25 recommended), but this is Java "
                + feature + " (" + javaHome + "). Install a Java 25 runtime (e.g. Eclipse Temurin 25) and start "
                + "Fiji with it (Fiji: Edit > Options > Java, or ImageJ-linux64 --java-home <path to Java 25>), "
                + "or set JAVA_HOME for the dicface command line.";
    }

    /** Exit status 0 when the running Java is recent enough; otherwise prints the problem and exits 1. */
    public static void main(String[] args) {
        String problem = problem();
        if (problem != null) {
            System.err.println(problem);
            System.exit(1);
        }
        System.out.println("Java " + System.getProperty("java.specification.version") + ": OK");
    }
}
