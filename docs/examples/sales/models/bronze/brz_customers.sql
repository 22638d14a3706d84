-- Customers, cleaned: trimmed names, lower-case e-mails, upper-case country codes.
select
    customer_id,
    trim(name)          as customer_name,
    lower(trim(email))  as email,
    upper(country)      as country_code,
    signup_date,
    loaded_at
from {{ source('raw', 'customers') }}
where customer_id is not null
