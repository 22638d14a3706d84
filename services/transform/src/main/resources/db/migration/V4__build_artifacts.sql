-- dbt's artifacts of a build (manifest.json, run_results.json), written with its outcome, served by
-- GET /api/v1/builds/{id}/artifacts/{name}; dropped with the build.
create table build_artifact (
    build_id  uuid not null references build (id) on delete cascade,
    name      text not null,
    content   text not null,
    primary key (build_id, name)
);
