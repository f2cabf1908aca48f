/*
 * Prints the C header for an SVM @CStruct of CPU-feature flags (e.g. amd64cpufeatures.h),
 * from the @CField names in svm.jar: one char per field, as GraalVM's own header declares.
 * Usage: java -cp svm.jar:nativeimage.jar:word.jar CpuFeaturesHeader.java <struct interface>
 */
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.*;

public class CpuFeaturesHeader {
    @SuppressWarnings("unchecked")
    public static void main(String[] a) throws Exception {
        ClassLoader cl = CpuFeaturesHeader.class.getClassLoader();
        Class<?> struct = Class.forName(a[0], false, cl);
        Class<? extends Annotation> cField = (Class<? extends Annotation>) Class.forName("org.graalvm.nativeimage.c.struct.CField", false, cl);
        Method value = cField.getMethod("value");
        List<Method> methods = new ArrayList<>(Arrays.asList(struct.getDeclaredMethods()));
        methods.sort(Comparator.comparing(Method::getName));
        Set<String> fields = new LinkedHashSet<>();
        for (Method m : methods) {
            Annotation ann = m.getAnnotation(cField);
            if (ann == null) continue;
            String n = (String) value.invoke(ann);
            fields.add(n.isEmpty() ? m.getName() : n);
        }
        StringBuilder sb = new StringBuilder("#pragma once\n/* generated from svm.jar @CField names */\ntypedef struct {\n");
        for (String f : fields) sb.append("  char ").append(f).append(";\n");
        System.out.print(sb.append("} CPUFeatures;\n"));
    }
}
