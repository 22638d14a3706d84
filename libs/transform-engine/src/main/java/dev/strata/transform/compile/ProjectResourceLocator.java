package dev.strata.transform.compile;

import java.io.IOException;
import java.nio.charset.Charset;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.loader.ResourceLocator;

/**
 * What {@code {% include %}}, {@code {% import %}} and {@code {% from %}} may read: the files of the project being
 * compiled, by their path in the project ({@code macros/util.sql}). Nothing of the classpath or the file system, no
 * absolute path, no {@code ..}.
 */
final class ProjectResourceLocator implements ResourceLocator {

    @Override
    public String getString(String fullName, Charset encoding, JinjavaInterpreter interpreter) throws IOException {
        CompileContext ctx = CompileContext.CURRENT.get();
        String name = fullName == null ? "" : fullName.strip().replace('\\', '/');
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        boolean leaves = name.startsWith("/") || name.contains(":") || name.equals("..") || name.startsWith("../")
                || name.contains("/../") || name.endsWith("/..");
        String text = ctx == null || leaves ? null : ctx.project().files().get(name);
        if (text == null) {
            throw new IOException("'" + fullName + "' is not a file of this project: include, import and from read"
                    + " only the project's own files, by their path in the project (e.g. 'macros/util.sql')");
        }
        return text;
    }
}
