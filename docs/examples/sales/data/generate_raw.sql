-- Generates the demo's raw data in the namespace's raw schema (<namespace>__raw, e.g. sales__raw), at any scale
-- (1 = 200 customers, 60 products, 2,000 orders with about 5,000 lines; it grows linearly). Deterministic for a given
-- scale. Its table names are unqualified: run it as the namespace's role with search_path set to that schema alone, so
-- that it creates and drops tables there and nowhere else:
--   PGOPTIONS='-c search_path=sales__raw' psql -d warehouse -U strata_ns_sales -v scale=10 -f generate_raw.sql
-- Strata's tests and benchmark run the same file (dev.strata.transform.demo.SalesDemoData, which does exactly that).
select setseed(0.42);

drop table if exists order_lines, orders, products, customers;

create table customers as
select g                                                                         as customer_id,
       'Customer ' || g                                                          as name,
       'Customer' || g || '@Example.com'                                          as email,
       (array['fr', 'de', 'nl', 'es', 'it', 'us', 'gb'])[1 + floor(random() * 7)::int] as country,
       date '2023-01-01' + floor(random() * 700)::int                            as signup_date,
       now() - interval '1 hour'                                                  as loaded_at
from generate_series(1, (200 * :scale)::int) g;

create table products as
select g                                                                          as product_id,
       'Product ' || g                                                            as name,
       (array['Books', 'Games', 'Garden', 'Kitchen', 'Sports', 'Toys'])[1 + (g % 6)] as category,
       round((5 + random() * 195)::numeric, 2)                                    as unit_price,
       now() - interval '1 hour'                                                  as loaded_at
from generate_series(1, (50 + 10 * :scale)::int) g;
alter table products add column unit_cost numeric;
update products set unit_cost = round(unit_price * (0.35 + (product_id % 7) * 0.07), 2);

create table orders as
select g                                                                          as order_id,
       1 + floor(random() * (200 * :scale))::bigint                               as customer_id,
       timestamptz '2024-01-01 00:00:00+00' + random() * interval '730 days'      as order_ts,
       case when r < 0.80 then 'completed' when r < 0.90 then 'shipped' when r < 0.95 then 'cancelled'
            when r < 0.98 then 'returned' else 'pending' end                       as status,
       (array['web', 'store', 'app'])[1 + floor(random() * 3)::int]               as channel,
       now() - interval '1 hour'                                                  as loaded_at
from (select g, random() as r from generate_series(1, (2000 * :scale)::int) g) s;

create table order_lines as
select row_number() over (order by o.order_id, n)                                 as order_line_id,
       o.order_id,
       1 + floor(random() * (50 + 10 * :scale))::bigint                           as product_id,
       1 + floor(random() * 5)::int                                               as quantity,
       null::numeric                                                              as unit_price,
       (array[0, 0, 0, 5, 10, 15])[1 + floor(random() * 6)::int]::numeric         as discount_pct,
       now() - interval '1 hour'                                                  as loaded_at
from orders o
cross join lateral generate_series(1, 1 + (o.order_id % 4)::int) n;
update order_lines l set unit_price = p.unit_price from products p where p.product_id = l.product_id;

analyze customers, products, orders, order_lines;
