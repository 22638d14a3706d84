-- The test service's own state, next to the library's outbox migration (V0_1).
CREATE TABLE thing (
    key text PRIMARY KEY,
    n   int  NOT NULL
);
