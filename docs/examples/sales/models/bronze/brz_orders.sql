select
    order_id,
    customer_id,
    order_ts,
    order_ts::date  as order_date,
    lower(status)   as status,
    lower(channel)  as channel,
    loaded_at
from {{ source('raw', 'orders') }}
where order_id is not null
