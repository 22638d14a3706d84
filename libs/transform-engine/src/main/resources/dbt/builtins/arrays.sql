{#- Strata's implementation of dbt's documented cross-database macros: arrays.
    Written for Strata from dbt's public macro reference (names, arguments, what they produce on Postgres).
    Each public macro goes through adapter.dispatch(<name>, 'dbt'), so a project or package may override it
    with its own postgres__<name> / default__<name>. Elements must share one type, as Postgres arrays do. -#}

{%- macro array_construct(inputs=[], data_type=api.Column.translate_type('integer')) -%}
{{ return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) }}
{%- endmacro -%}
{#- an empty array needs its element type: data_type -#}
{%- macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}array[{{ inputs | join(', ') }}]{%- else -%}array[]::{{ data_type }}[]{%- endif -%}
{%- endmacro -%}

{%- macro array_append(array, new_element) -%}
{{ return(adapter.dispatch('array_append', 'dbt')(array, new_element)) }}
{%- endmacro -%}
{%- macro default__array_append(array, new_element) -%}array_append({{ array }}, {{ new_element }}){%- endmacro -%}

{%- macro array_concat(array_1, array_2) -%}
{{ return(adapter.dispatch('array_concat', 'dbt')(array_1, array_2)) }}
{%- endmacro -%}
{%- macro default__array_concat(array_1, array_2) -%}array_cat({{ array_1 }}, {{ array_2 }}){%- endmacro -%}
