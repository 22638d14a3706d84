package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.project.ProjectProblem;

/** What one template render collected: refs, sources, config, problems. Lives in a thread local while rendering. */
final class RenderState {

    static final ThreadLocal<RenderState> CURRENT = new ThreadLocal<>();

    final String file;
    final String self;
    final boolean incremental;
    final Map<String, Integer> refs = new LinkedHashMap<>();
    final Set<String> sources = new LinkedHashSet<>();
    final Map<String, Object> config = new LinkedHashMap<>();
    final List<ProjectProblem> problems = new ArrayList<>();

    RenderState(String file, String self, boolean incremental) {
        this.file = file;
        this.self = self;
        this.incremental = incremental;
    }
}
