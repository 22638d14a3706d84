{# Division that yields null instead of failing on zero. #}
{% macro safe_divide(numerator, denominator) -%}
    ({{ numerator }})::numeric / nullif(({{ denominator }})::numeric, 0)
{%- endmacro %}

{# Rounds a money amount to cents. #}
{% macro money(expression) -%}
    round(({{ expression }})::numeric, 2)
{%- endmacro %}

{# 'completed', 'shipped' → the SQL list of revenue statuses from the project var. #}
{% macro revenue_statuses() -%}
    {%- for s in var('revenue_statuses') -%}
        '{{ s }}'{% if not loop.last %}, {% endif %}
    {%- endfor -%}
{%- endmacro %}
