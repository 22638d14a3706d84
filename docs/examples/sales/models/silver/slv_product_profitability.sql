-- Product profitability over revenue orders: units, revenue, cost, gross margin and margin rate, discounts.
with sold as (
    select l.*
    from {{ ref('brz_order_lines') }} l
    join {{ ref('slv_orders_enriched') }} o on o.order_id = l.order_id
    where o.is_revenue
)
select
    p.product_id,
    p.product_name,
    p.category,
    p.unit_price,
    p.unit_cost,
    coalesce(sum(s.quantity), 0)                                             as units_sold,
    count(distinct s.order_id)                                               as orders,
    {{ money('coalesce(sum(s.line_amount), 0)') }}                           as revenue,
    {{ money('coalesce(sum(s.quantity * p.unit_cost), 0)') }}                as cost,
    {{ money('coalesce(sum(s.line_amount), 0) - coalesce(sum(s.quantity * p.unit_cost), 0)') }} as gross_margin,
    round({{ safe_divide('coalesce(sum(s.line_amount), 0) - coalesce(sum(s.quantity * p.unit_cost), 0)',
                         'sum(s.line_amount)') }} * 100, 2)                  as margin_pct,
    round(coalesce(avg(s.discount_pct), 0), 2)                               as avg_discount_pct
from {{ ref('brz_products') }} p
left join sold s on s.product_id = p.product_id
group by p.product_id, p.product_name, p.category, p.unit_price, p.unit_cost
