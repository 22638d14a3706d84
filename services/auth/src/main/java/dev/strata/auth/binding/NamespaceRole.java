package dev.strata.auth.binding;

/** A role in a namespace ({@code *} = every namespace), as the API shows it: {@code {"namespace":"sales","role":"engineer"}}. */
public record NamespaceRole(String namespace, String role) {
}
