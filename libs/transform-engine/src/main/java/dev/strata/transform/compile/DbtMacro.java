package dev.strata.transform.compile;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.MacroFunction;
import com.hubspot.jinjava.lib.tag.MacroTag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;

/**
 * A {@code {% macro %}} as dbt has it: {@code {{ return(x) }}} makes the call's value {@code x} (any value: a list, a
 * dict, a relation, not only text), and the macro knows the file and package it was defined in, so that an error
 * inside it names that file (not the model that called it) and {@code adapter.dispatch} can search packages.
 */
final class DbtMacro extends MacroFunction {

    /** The value given to {@code return()} in each macro call on this thread, innermost first. */
    private static final ThreadLocal<Deque<Object[]>> RETURNS = ThreadLocal.withInitial(ArrayDeque::new);
    /** Where the macros being read now come from: file and package (set while a compilation loads its macros). */
    static final ThreadLocal<String[]> DEFINING = new ThreadLocal<>();
    private static final Object NONE = new Object();
    /** The files of the macros being called on this thread, innermost first ("" for one defined in a model). */
    private static final ThreadLocal<Deque<String>> FILES = ThreadLocal.withInitial(ArrayDeque::new);

    final String file;
    final String packageName;

    private DbtMacro(List<Node> content, String name, LinkedHashMap<String, Object> args, Context scope, int line,
            int position, String file, String packageName) {
        super(content, name, args, false, scope, line, position);
        this.file = file;
        this.packageName = packageName;
    }

    private DbtMacro(DbtMacro source, String name) {
        super(source, name);
        this.file = source.file;
        this.packageName = source.packageName;
    }

    @Override
    public MacroFunction cloneWithNewName(String name) {
        return new DbtMacro(this, name);
    }

    @Override
    public Object doEvaluate(Map<String, Object> argMap, Map<String, Object> kwargMap, List<Object> varArgs) {
        Deque<Object[]> returns = RETURNS.get();
        Object[] slot = {NONE};
        returns.push(slot);
        FILES.get().push(file == null ? "" : file);
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        int errorsBefore = interpreter == null ? 0 : interpreter.getErrors().size();
        try {
            Object out = super.doEvaluate(argMap, kwargMap, varArgs);
            return slot[0] == NONE ? out : slot[0];
        } finally {
            returns.pop();
            FILES.get().pop();
            if (interpreter != null && file != null) {
                claimErrors(interpreter.getErrors(), errorsBefore);
            }
        }
    }

    /** The errors that happened inside this macro (and not in a macro it called) are in this macro's file. */
    private void claimErrors(List<TemplateError> errors, int from) {
        RenderState state = RenderState.CURRENT.get();
        if (state == null) {
            return;
        }
        for (int i = from; i < errors.size(); i++) {
            state.errorFiles.putIfAbsent(errors.get(i), file);
        }
    }

    /** {@code return(x)}: the value of the innermost macro call; false when no macro is being called. */
    static boolean setReturn(Object value) {
        Object[] slot = RETURNS.get().peek();
        if (slot == null) {
            return false;
        }
        if (slot[0] == NONE) {
            slot[0] = value;
        }
        return true;
    }

    /** The file of the macro being called now on this thread, or null outside a project's or package's macro. */
    static String currentFile() {
        String file = FILES.get().peek();
        return file == null || file.isEmpty() ? null : file;
    }

    /** {@code {% macro %}} making {@link DbtMacro}s, registered in the compilation's {@link MacroRegistry}. */
    static final class Tag extends MacroTag {

        @Override
        protected MacroFunction constructMacroFunction(TagNode tagNode, JinjavaInterpreter interpreter, String name,
                LinkedHashMap<String, Object> argNamesWithDefaults) {
            String[] where = DEFINING.get();
            DbtMacro macro = new DbtMacro(tagNode.getChildren(), name, argNamesWithDefaults,
                    interpreter.getContext(), interpreter.getLineNumber(), interpreter.getPosition(),
                    where == null ? null : where[0], where == null ? null : where[1]);
            CompileContext ctx = CompileContext.CURRENT.get();
            if (where != null && ctx != null) {
                ctx.macros().add(where[1], macro);
            }
            return macro;
        }
    }
}
