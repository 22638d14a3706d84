package dev.strata.transform.project;

import java.util.List;
import java.util.stream.Collectors;

/** A project that cannot be loaded or compiled; carries every problem found, each with its file and line. */
public class ProjectException extends RuntimeException {

    private final transient List<ProjectProblem> problems;

    public ProjectException(List<ProjectProblem> problems) {
        super(problems.stream().map(ProjectProblem::toString).collect(Collectors.joining("; ")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public ProjectException(ProjectProblem problem) {
        this(List.of(problem));
    }

    public List<ProjectProblem> problems() {
        return problems;
    }
}
