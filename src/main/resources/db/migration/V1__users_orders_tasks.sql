-- Users, orders with their products, and the durable task queue with the inputs of its tasks.

CREATE TABLE users (
    username      text PRIMARY KEY,
    display_name  text,
    password_hash text        NOT NULL,
    roles         text[]      NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE tasks (
    id                 uuid PRIMARY KEY,
    kind               text        NOT NULL,
    owner              text        NOT NULL,
    state              text        NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    progress_completed int         NOT NULL DEFAULT 0,
    progress_total     int         NOT NULL,
    attempts           int         NOT NULL DEFAULT 0,
    max_attempts       int         NOT NULL,
    run_at             timestamptz NOT NULL,
    lease_until        timestamptz,
    heartbeat_at       timestamptz,
    worker             text,
    cancel_requested   boolean     NOT NULL DEFAULT false,
    result             jsonb,
    error              jsonb,
    reason             text,
    submitted_at       timestamptz NOT NULL,
    started_at         timestamptz,
    finished_at        timestamptz
);
-- The queue: oldest submission first (a rescued task keeps its place once its backoff has passed). The leases: running tasks by expiry, for the rescue sweep. Retention: ended tasks.
CREATE INDEX tasks_queue ON tasks (submitted_at) WHERE state = 'QUEUED';
CREATE INDEX tasks_leases ON tasks (lease_until) WHERE state = 'RUNNING';
CREATE INDEX tasks_retention ON tasks (finished_at) WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED');
CREATE INDEX tasks_owner ON tasks (owner, submitted_at DESC);

-- What a task needs to run on any replica (an order's decoded pictures); deleted with its task.
CREATE TABLE task_inputs (
    task_id uuid PRIMARY KEY REFERENCES tasks (id) ON DELETE CASCADE,
    payload bytea NOT NULL
);

CREATE TABLE orders (
    id              uuid PRIMARY KEY,
    owner           text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    created_at      timestamptz NOT NULL,
    completed_at    timestamptz,
    item_count      int         NOT NULL,
    total           bigint      NOT NULL DEFAULT 0,
    currency        text        NOT NULL,
    reason          text,
    task_id         uuid,
    idempotency_key text
);
CREATE INDEX orders_owner ON orders (owner, created_at DESC, id);
CREATE INDEX orders_newest ON orders (created_at DESC, id);
CREATE INDEX orders_status ON orders (status, created_at DESC, id);
CREATE UNIQUE INDEX orders_task ON orders (task_id) WHERE task_id IS NOT NULL;
CREATE UNIQUE INDEX orders_idempotency ON orders (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- One row per classified picture; the primary key makes a second completion of an order impossible.
CREATE TABLE products (
    order_id   uuid   NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position   int    NOT NULL,
    id         uuid   NOT NULL,
    label      text   NOT NULL,
    confidence real   NOT NULL,
    price      bigint NOT NULL,
    PRIMARY KEY (order_id, position)
);
