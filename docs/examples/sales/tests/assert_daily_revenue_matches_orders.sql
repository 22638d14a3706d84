-- The gold daily summary must account for every revenue order of silver, to the cent.
select g.revenue as gold_revenue, s.revenue as silver_revenue
from (select coalesce(sum(revenue), 0) as revenue from {{ ref('gold_daily_sales') }}) g
cross join (select coalesce(sum(net_amount), 0) as revenue from {{ ref('slv_orders_enriched') }} where is_revenue) s
where abs(g.revenue - s.revenue) > 0.01
