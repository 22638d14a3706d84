select
    product_id,
    trim(name)               as product_name,
    lower(category)          as category,
    {{ money('unit_price') }} as unit_price,
    {{ money('unit_cost') }}  as unit_cost,
    loaded_at
from {{ source('raw', 'products') }}
where product_id is not null
