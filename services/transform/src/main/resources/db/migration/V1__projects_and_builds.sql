-- Project versions: archives in S3, compiled on upload; a summary (models, tests) kept here.
create table project_version (
    id           uuid primary key,
    namespace    text        not null,
    project      text        not null,
    version      int         not null,
    s3_key       text        not null,
    sha256       text        not null,
    models       int         not null,
    tests        int         not null,
    manifest     jsonb       not null,
    uploaded_by  text        not null,
    uploaded_at  timestamptz not null default now(),
    unique (namespace, project, version)
);

-- Builds: queued by REST or by a TransformRequested task, claimed by workers with FOR UPDATE SKIP LOCKED.
create table build (
    id            uuid primary key,
    namespace     text        not null,
    project       text        not null,
    version_id    uuid        not null references project_version (id),
    selector      text        not null default '',
    exclude       text        not null default '',
    vars          jsonb       not null default '{}',
    full_refresh  boolean     not null default false,
    status        text        not null,
    error         text,
    task_run_id   uuid,
    run_id        uuid,
    attempt       int,
    requested_by  text        not null,
    created_at    timestamptz not null default now(),
    started_at    timestamptz,
    finished_at   timestamptz
);
create index build_queued on build (created_at) where status = 'queued';
create index build_namespace on build (namespace, created_at desc);

-- One row per model, seed, test or freshness check of a build.
create table node_run (
    build_id      uuid        not null references build (id) on delete cascade,
    seq           bigserial,
    node          text        not null,
    kind          text        not null,
    status        text        not null,
    relation      text,
    materialized  text,
    rows          bigint,
    duration_ms   bigint      not null,
    compiled_sql  text,
    error         text,
    started_at    timestamptz not null,
    primary key (build_id, seq)
);
