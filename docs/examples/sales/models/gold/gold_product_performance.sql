-- Product performance: revenue and margin ranks overall and within the category, revenue shares, ABC class
-- (A: the products making the first 80 % of revenue, B: the next 15 %, C: the rest).
with ranked as (
    select
        p.*,
        rank() over (order by revenue desc)                              as revenue_rank,
        rank() over (partition by category order by revenue desc)       as category_revenue_rank,
        rank() over (order by gross_margin desc)                         as margin_rank,
        {{ safe_divide('revenue', 'sum(revenue) over ()') }}             as revenue_share,
        {{ safe_divide('revenue', 'sum(revenue) over (partition by category)') }} as category_revenue_share,
        {{ safe_divide('sum(revenue) over (order by revenue desc, product_id rows unbounded preceding)',
                       'sum(revenue) over ()') }}                         as cumulative_share
    from {{ ref('slv_product_profitability') }} p
)
select
    product_id,
    product_name,
    category,
    units_sold,
    orders,
    revenue,
    cost,
    gross_margin,
    margin_pct,
    avg_discount_pct,
    revenue_rank,
    category_revenue_rank,
    margin_rank,
    round(coalesce(revenue_share, 0) * 100, 2)            as revenue_share_pct,
    round(coalesce(category_revenue_share, 0) * 100, 2)   as category_revenue_share_pct,
    case
        when coalesce(cumulative_share, 1) <= 0.80 then 'A'
        when coalesce(cumulative_share, 1) <= 0.95 then 'B'
        else 'C'
    end                                                   as abc_class
from ranked
