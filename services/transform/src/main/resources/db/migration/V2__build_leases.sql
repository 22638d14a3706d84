-- A running build is leased: its worker renews heartbeat_at while it runs. A build whose lease ran out (the worker
-- crashed or was killed) is claimed again; after max-claims claims it is given up with an error.
alter table build add column heartbeat_at timestamptz;
alter table build add column claimed_by text;
alter table build add column claims int not null default 0;
create index build_running on build (heartbeat_at) where status = 'running';
