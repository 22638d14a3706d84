-- Daily sales summary on a gap-free calendar: orders, revenue, margin, customers, 7- and 28-day moving averages,
-- month-to-date and year-to-date revenue, and revenue on the same weekday a year before.
with revenue_orders as (
    select * from {{ ref('slv_orders_enriched') }} where is_revenue
),
calendar as (
    select d::date as sales_date
    from generate_series(
        (select coalesce(min(order_date), current_date) from revenue_orders),
        (select coalesce(max(order_date), current_date) from revenue_orders),
        interval '1 day') d
),
daily as (
    select
        order_date,
        count(*)                     as orders,
        sum(net_amount)              as revenue,
        sum(margin)                  as margin,
        count(distinct customer_id)  as customers,
        sum(items)                   as items
    from revenue_orders
    group by order_date
),
filled as (
    select
        c.sales_date,
        coalesce(d.orders, 0)    as orders,
        coalesce(d.revenue, 0)   as revenue,
        coalesce(d.margin, 0)    as margin,
        coalesce(d.customers, 0) as customers,
        coalesce(d.items, 0)     as items
    from calendar c
    left join daily d on d.order_date = c.sales_date
)
select
    sales_date,
    extract(year from sales_date)::int                                                     as sales_year,
    extract(isodow from sales_date)::int                                                   as day_of_week,
    orders,
    items,
    customers,
    revenue,
    margin,
    {{ money(safe_divide('revenue', 'orders')) }}                                          as avg_order_value,
    {{ money('avg(revenue) over (order by sales_date rows between 6 preceding and current row)') }}  as revenue_ma_7d,
    {{ money('avg(revenue) over (order by sales_date rows between 27 preceding and current row)') }} as revenue_ma_28d,
    sum(revenue) over (partition by date_trunc('month', sales_date) order by sales_date)   as revenue_mtd,
    sum(revenue) over (partition by extract(year from sales_date) order by sales_date)     as revenue_ytd,
    lag(revenue, 364) over (order by sales_date)                                           as revenue_same_weekday_last_year
from filled
