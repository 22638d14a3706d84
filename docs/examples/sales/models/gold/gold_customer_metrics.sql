-- Customer metrics for the business: value, segment, activity and churn risk, rank by lifetime value.
select
    r.customer_id,
    r.customer_name,
    r.country_code,
    r.segment,
    r.rfm_cell,
    r.frequency                                     as revenue_orders,
    r.monetary                                      as total_revenue,
    r.lifetime_margin,
    r.avg_order_value,
    r.lifetime_value,
    r.first_order_date,
    r.last_order_date,
    r.recency_days,
    coalesce(r.recency_days <= {{ var('churn_after_days') }}, false)  as is_active,
    coalesce(r.recency_days > {{ var('churn_after_days') }}, false)   as churn_risk,
    rank() over (order by r.lifetime_value desc)    as ltv_rank,
    count(o.order_id)                               as all_orders,
    count(o.order_id) filter (where o.status = 'returned')  as returned_orders,
    count(distinct o.channel)                       as channels_used
from {{ ref('slv_customer_rfm') }} r
left join {{ ref('slv_orders_enriched') }} o on o.customer_id = r.customer_id
group by r.customer_id, r.customer_name, r.country_code, r.segment, r.rfm_cell, r.frequency, r.monetary,
         r.lifetime_margin, r.avg_order_value, r.lifetime_value, r.first_order_date, r.last_order_date, r.recency_days
