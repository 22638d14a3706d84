{#- Strata's implementation of dbt's load_relation: the relation as the warehouse has it now (adapter.get_relation,
    in the namespace's own schemas, at build time), or none. -#}
{% macro load_relation(relation) -%}
  {{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) }}
{%- endmacro %}
