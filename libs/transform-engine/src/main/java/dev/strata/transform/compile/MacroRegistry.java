package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.hubspot.jinjava.lib.fn.MacroFunction;

/**
 * The macros of one compilation by package: {@code dbt} (dbt's own global macros, as dbt-adapters ships them), each
 * package vendored in {@code dbt_packages/}, and the project itself; and dbt's {@code adapter.dispatch} search over
 * them.
 */
final class MacroRegistry {

    /** dbt-postgres's adapter macro prefixes, in dbt's search order. */
    static final List<String> PREFIXES = List.of("postgres", "default");

    private final String rootProject;
    private final Map<String, List<String>> searchOrders;
    private final Map<String, Map<String, MacroFunction>> byPackage = new LinkedHashMap<>();

    /**
     * @param rootProject  the project's name
     * @param searchOrders {@code dispatch:} of dbt_project.yml: a macro namespace's {@code search_order}
     */
    MacroRegistry(String rootProject, Map<String, List<String>> searchOrders) {
        this.rootProject = rootProject;
        this.searchOrders = searchOrders;
    }

    void add(String packageName, MacroFunction macro) {
        byPackage.computeIfAbsent(packageName, p -> new HashMap<>()).put(macro.getName(), macro);
    }

    /** A package's macros by name (what {@code dbt_utils.x(...)} calls), or null when it is not a package here. */
    Map<String, MacroFunction> packageMacros(String packageName) {
        return byPackage.get(packageName);
    }

    Iterable<String> packages() {
        return byPackage.keySet();
    }

    /**
     * dbt's {@code adapter.dispatch(name, macro_namespace)} (dbt-core {@code context/providers.py}
     * {@code BaseDatabaseWrapper.dispatch} and {@code _get_search_packages}): the packages are the namespace's
     * {@code search_order} from {@code dispatch:} in dbt_project.yml, else the root project then the namespace, else
     * (no namespace) everywhere; in each, {@code postgres__<name>} then {@code default__<name>}.
     *
     * @param global looks a name up among every macro (what a call without package finds)
     * @return the macro, or null with the names tried in {@code tried}
     */
    MacroFunction dispatch(String name, String namespace, java.util.function.Function<String, MacroFunction> global,
            List<String> tried) {
        List<String> packages = new ArrayList<>();
        if (namespace == null) {
            packages.add(null);
        } else if (searchOrders.containsKey(namespace)) {
            packages.addAll(searchOrders.get(namespace));
        } else {
            packages.add(rootProject);
            packages.add(namespace);
        }
        for (String pkg : packages) {
            for (String prefix : PREFIXES) {
                String candidate = prefix + "__" + name;
                MacroFunction macro;
                if (pkg == null) {
                    macro = global.apply(candidate);
                    tried.add(candidate);
                } else {
                    Map<String, MacroFunction> macros = byPackage.get(pkg);
                    macro = macros == null ? null : macros.get(candidate);
                    tried.add(pkg + "." + candidate);
                }
                if (macro != null) {
                    return macro;
                }
            }
        }
        return null;
    }
}
