select
    order_line_id,
    order_id,
    product_id,
    quantity,
    {{ money('unit_price') }}                                      as unit_price,
    coalesce(discount_pct, 0)                                      as discount_pct,
    {{ money('quantity * unit_price * (1 - coalesce(discount_pct, 0) / 100.0)') }} as line_amount,
    loaded_at
from {{ source('raw', 'order_lines') }}
where order_line_id is not null
