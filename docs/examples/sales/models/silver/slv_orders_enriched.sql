-- Orders with their totals and time intelligence: calendar parts, weekend flag, the customer's order sequence and
-- the days since their previous order.
select
    o.order_id,
    o.customer_id,
    o.order_ts,
    o.order_date,
    o.status,
    o.channel,
    o.status in ({{ revenue_statuses() }})                        as is_revenue,
    coalesce(t.lines, 0)                                           as lines,
    coalesce(t.items, 0)                                           as items,
    coalesce(t.gross_amount, 0)                                    as gross_amount,
    coalesce(t.net_amount, 0)                                      as net_amount,
    coalesce(t.cost_amount, 0)                                     as cost_amount,
    coalesce(t.net_amount, 0) - coalesce(t.cost_amount, 0)         as margin,
    extract(year from o.order_date)::int                           as order_year,
    extract(quarter from o.order_date)::int                        as order_quarter,
    extract(month from o.order_date)::int                          as order_month,
    extract(week from o.order_date)::int                           as iso_week,
    extract(isodow from o.order_date)::int                         as day_of_week,
    extract(isodow from o.order_date) >= 6                         as is_weekend,
    date_trunc('month', o.order_date)::date                        as month_start,
    date_trunc('quarter', o.order_date)::date                      as quarter_start,
    row_number() over (partition by o.customer_id order by o.order_ts, o.order_id) as customer_order_seq,
    o.order_date - lag(o.order_date) over (partition by o.customer_id order by o.order_ts, o.order_id)
                                                                   as days_since_previous_order
from {{ ref('brz_orders') }} o
left join {{ ref('int_order_totals') }} t on t.order_id = o.order_id
