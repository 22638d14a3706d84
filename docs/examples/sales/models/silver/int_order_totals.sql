{{ config(materialized='ephemeral') }}
-- Per order: lines, items, gross and net amounts and cost (inlined as a CTE where it is used).
select
    l.order_id,
    count(*)                                   as lines,
    sum(l.quantity)                            as items,
    {{ money('sum(l.quantity * l.unit_price)') }} as gross_amount,
    {{ money('sum(l.line_amount)') }}            as net_amount,
    {{ money('sum(l.quantity * p.unit_cost)') }} as cost_amount
from {{ ref('brz_order_lines') }} l
join {{ ref('brz_products') }} p on p.product_id = l.product_id
group by l.order_id
