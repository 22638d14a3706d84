-- Customer RFM segmentation (recency, frequency, monetary quintiles) and lifetime value:
-- what they spent so far plus their yearly run rate over the next ltv_horizon_years.
with revenue_orders as (
    select * from {{ ref('slv_orders_enriched') }} where is_revenue
),
as_of as (
    select coalesce(max(order_date), current_date) + 1 as as_of_date from revenue_orders
),
per_customer as (
    select
        c.customer_id,
        c.customer_name,
        c.country_code,
        c.signup_date,
        count(o.order_id)                  as frequency,
        coalesce(sum(o.net_amount), 0)     as monetary,
        coalesce(sum(o.margin), 0)         as lifetime_margin,
        min(o.order_date)                  as first_order_date,
        max(o.order_date)                  as last_order_date
    from {{ ref('brz_customers') }} c
    left join revenue_orders o on o.customer_id = c.customer_id
    group by c.customer_id, c.customer_name, c.country_code, c.signup_date
),
scored as (
    select
        p.*,
        a.as_of_date - p.last_order_date                                  as recency_days,
        greatest(a.as_of_date - p.first_order_date, 1)                    as tenure_days,
        ntile(5) over (order by p.last_order_date nulls first)            as r_score,
        ntile(5) over (order by p.frequency)                              as f_score,
        ntile(5) over (order by p.monetary)                               as m_score
    from per_customer p cross join as_of a
)
select
    customer_id,
    customer_name,
    country_code,
    signup_date,
    first_order_date,
    last_order_date,
    recency_days,
    frequency,
    monetary,
    lifetime_margin,
    r_score,
    f_score,
    m_score,
    r_score::text || f_score::text || m_score::text                      as rfm_cell,
    case
        when frequency = 0 then 'prospect'
        when r_score >= 4 and f_score >= 4 then 'champions'
        when r_score >= 3 and f_score >= 3 then 'loyal'
        when r_score >= 4 then 'new'
        when r_score <= 2 and f_score >= 3 then 'at_risk'
        when r_score <= 2 then 'hibernating'
        else 'potential'
    end                                                                   as segment,
    {{ money(safe_divide('monetary', 'nullif(frequency, 0)')) }}          as avg_order_value,
    {{ money(safe_divide('frequency * 365.0', 'tenure_days')) }}         as orders_per_year,
    {{ money('monetary + coalesce(' ~ safe_divide('monetary * 365.0', 'tenure_days') ~ ', 0) * '
             ~ var('ltv_horizon_years')) }}                               as lifetime_value
from scored
