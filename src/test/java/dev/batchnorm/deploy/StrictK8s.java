package dev.batchnorm.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * fabric8 parses leniently: an unknown kind becomes a {@link GenericKubernetesResource}, and an
 * unknown field (a typo such as {@code replica:} or {@code contianers:}) lands silently in an
 * object's additional properties. This walker reports both, for every object in the tree.
 * It does not check value ranges or required fields: no schema validator runs offline here.
 */
final class StrictK8s {

    private StrictK8s() {}

    /** Every problem found in one parsed manifest, as readable sentences; empty when clean. */
    static List<String> problems(HasMetadata object) {
        List<String> out = new ArrayList<>();
        String name = object.getKind() + "/" + (object.getMetadata() == null ? "?" : object.getMetadata().getName());
        if (object instanceof GenericKubernetesResource) {
            out.add(name + ": unknown kind " + object.getApiVersion() + "/" + object.getKind());
            return out;
        }
        walk(object, name, out);
        return out;
    }

    private static void walk(Object node, String path, List<String> out) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", out));
            return;
        }
        if (!isModel(node.getClass())) {
            return; // a scalar (String, Integer, Boolean...)
        }
        for (Method getter : node.getClass().getMethods()) {
            if (!isGetter(getter)) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            walk(value, path + "." + getter.getName().substring(3), out);
        }
    }

    private static boolean isGetter(Method m) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                || m.getDeclaringClass() == Object.class) {
            return false;
        }
        Class<?> type = m.getReturnType();
        return Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || isModel(type) || type == Object.class;
    }

    /** fabric8's model types, and ours for the kinds fabric8 has no model of (ServiceMonitor). */
    private static boolean isModel(Class<?> type) {
        return KubernetesResource.class.isAssignableFrom(type) || type.getName().startsWith("io.fabric8.kubernetes.api.model")
                || type.getPackageName().equals(StrictK8s.class.getPackageName());
    }

    private static Object invoke(Method getter, Object node) {
        try {
            return getter.invoke(node);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }
}
