{#- Strata's implementation of dbt's documented cross-database macros: dates, timestamps and series.
    Written for Strata from dbt's public macro reference (names, arguments, what they produce on Postgres).
    Each public macro goes through adapter.dispatch(<name>, 'dbt'), so a project or package may override it
    with its own postgres__<name> / default__<name>. datepart is a bare word: 'day', 'week', 'month', ... -#}

{#- from_date_or_timestamp moved by interval (a number or an SQL expression) dateparts -#}
{%- macro dateadd(datepart, interval, from_date_or_timestamp) -%}
{{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro -%}
{%- macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro -%}
{%- macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}
({{ from_date_or_timestamp }} + ({{ interval }}) * interval '1 {{ datepart }}')
{%- endmacro -%}

{#- how many datepart boundaries lie between first_date and second_date (negative when second_date is earlier) -#}
{%- macro datediff(first_date, second_date, datepart) -%}
{{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}
{%- endmacro -%}
{%- macro default__datediff(first_date, second_date, datepart) -%}
datediff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro -%}
{%- macro postgres__datediff(first_date, second_date, datepart) -%}
{%- set a = '(' ~ first_date ~ ')' -%}
{%- set b = '(' ~ second_date ~ ')' -%}
{%- set years = "(date_part('year', " ~ b ~ "::date) - date_part('year', " ~ a ~ "::date))" -%}
{%- set sub_day = {'hour': ' / 3600', 'minute': ' / 60', 'second': '', 'millisecond': ' * 1000', 'microsecond': ' * 1000000'} -%}
{%- if datepart == 'year' -%}
{{ years }}
{%- elif datepart in ['quarter', 'month'] -%}
({{ years }} * {{ 4 if datepart == 'quarter' else 12 }} + date_part('{{ datepart }}', {{ b }}::date) - date_part('{{ datepart }}', {{ a }}::date))
{%- elif datepart == 'day' -%}
({{ b }}::date - {{ a }}::date)
{%- elif datepart == 'week' -%}
{#- weeks start on Sunday (dow 0): count the Sundays that start each date's week -#}
((({{ b }}::date - date_part('dow', {{ b }}::date)::int) - ({{ a }}::date - date_part('dow', {{ a }}::date)::int)) / 7)
{%- elif datepart in ['hour', 'minute', 'second', 'millisecond', 'microsecond'] -%}
{%- set unit = 'milliseconds' if datepart == 'millisecond' else ('microseconds' if datepart == 'microsecond' else datepart) -%}
round(date_part('epoch', date_trunc('{{ unit }}', {{ b }}::timestamp) - date_trunc('{{ unit }}', {{ a }}::timestamp)){{ sub_day[datepart] }})
{%- else -%}
{{ exceptions.raise_compiler_error("datediff on postgres does not know the datepart '" ~ datepart ~ "'") }}
{%- endif -%}
{%- endmacro -%}

{%- macro date_trunc(datepart, date) -%}{{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}{%- endmacro -%}
{%- macro default__date_trunc(datepart, date) -%}date_trunc('{{ datepart }}', {{ date }}){%- endmacro -%}

{#- the last date of the datepart (month, quarter, year, ...) that date falls in -#}
{%- macro last_day(date, datepart) -%}{{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}{%- endmacro -%}
{%- macro default__last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', -1, dbt.dateadd(datepart, 1, dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro -%}
{#- a Postgres interval has no quarter unit: a quarter is three months -#}
{%- macro postgres__last_day(date, datepart) -%}
{%- set step = "interval '3 month'" if datepart == 'quarter' else "interval '1 " ~ datepart ~ "'" -%}
cast(date_trunc('{{ datepart }}', {{ date }}) + {{ step }} - interval '1 day' as date)
{%- endmacro -%}

{#- a date literal from year, month and day numbers -#}
{%- macro date(year, month, day) -%}{{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}{%- endmacro -%}
{%- macro default__date(year, month, day) -%}
date '{{ modules.datetime.date(year, month, day).isoformat() }}'
{%- endmacro -%}

{%- macro current_timestamp() -%}{{ return(adapter.dispatch('current_timestamp', 'dbt')()) }}{%- endmacro -%}
{%- macro default__current_timestamp() -%}current_timestamp{%- endmacro -%}
{%- macro postgres__current_timestamp() -%}now(){%- endmacro -%}

{#- snapshots record their times as timestamp without time zone on Postgres -#}
{%- macro snapshot_get_time() -%}{{ return(adapter.dispatch('snapshot_get_time', 'dbt')()) }}{%- endmacro -%}
{%- macro default__snapshot_get_time() -%}{{ dbt.current_timestamp() }}{%- endmacro -%}
{%- macro postgres__snapshot_get_time() -%}{{ dbt.current_timestamp() }}::timestamp without time zone{%- endmacro -%}
{%- macro snapshot_string_as_time(timestamp) -%}
{{ return(adapter.dispatch('snapshot_string_as_time', 'dbt')(timestamp)) }}
{%- endmacro -%}
{%- macro postgres__snapshot_string_as_time(timestamp) -%}
{{ return("'" ~ timestamp ~ "'::timestamp without time zone") }}
{%- endmacro -%}

{#- deprecated in dbt, kept for projects that still call them -#}
{%- macro current_timestamp_backcompat() -%}
{{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}
{%- endmacro -%}
{%- macro default__current_timestamp_backcompat() -%}current_timestamp::{{ dbt.type_timestamp() }}{%- endmacro -%}
{%- macro current_timestamp_in_utc_backcompat() -%}
{{ return(adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')()) }}
{%- endmacro -%}
{%- macro default__current_timestamp_in_utc_backcompat() -%}
{{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}
{%- endmacro -%}
{%- macro postgres__current_timestamp_in_utc_backcompat() -%}
(current_timestamp at time zone 'utc')::{{ dbt.type_timestamp() }}
{%- endmacro -%}

{#- the smallest n >= 1 with 2^n >= upper_bound -#}
{%- macro get_powers_of_two(upper_bound) -%}
{{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}
{%- endmacro -%}
{%- macro default__get_powers_of_two(upper_bound) -%}
{%- if upper_bound <= 0 -%}{{ exceptions.raise_compiler_error("get_powers_of_two: upper_bound must be positive") }}{%- endif -%}
{%- set found = [] -%}
{%- for n in range(1, 64) -%}{%- if found | length == 0 and 2 ** n >= upper_bound -%}{%- do found.append(n) -%}{%- endif -%}{%- endfor -%}
{{ return(found[0]) }}
{%- endmacro -%}

{#- one column, generated_number, from 1 to upper_bound -#}
{%- macro generate_series(upper_bound) -%}
{{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}
{%- endmacro -%}
{%- macro default__generate_series(upper_bound) -%}
select generated_number from generate_series(1, {{ upper_bound }}) as series(generated_number) order by generated_number
{%- endmacro -%}

{#- how many dateparts lie between start_date and end_date; asks the warehouse when the run executes, 1 otherwise -#}
{%- macro get_intervals_between(start_date, end_date, datepart) -%}
{{ return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) }}
{%- endmacro -%}
{%- macro default__get_intervals_between(start_date, end_date, datepart) -%}
{#- run_query answers none while compiling; the build renders the model again with its connection -#}
{%- set answer = run_query('select ' ~ dbt.datediff(start_date, end_date, datepart)) -%}
{{ return(answer.columns[0].values()[0] if execute and answer else 1) }}
{%- endmacro -%}

{#- one row per datepart from start_date (included) up to end_date (excluded), in the column date_<datepart> -#}
{%- macro date_spine(datepart, start_date, end_date) -%}
{{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}
{%- endmacro -%}
{%- macro default__date_spine(datepart, start_date, end_date) -%}
select spine.step as date_{{ datepart }}
from generate_series(({{ start_date }})::timestamp, ({{ end_date }})::timestamp,
    {{ "interval '3 month'" if datepart == 'quarter' else "interval '1 " ~ datepart ~ "'" }}) as spine(step)
where spine.step < ({{ end_date }})::timestamp
{%- endmacro -%}
