CREATE TABLE IF NOT EXISTS "security_csp_reports" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_security_csp_reports" PRIMARY KEY AUTOINCREMENT,
    "document_uri" TEXT NULL,
    "referrer" TEXT NULL,
    "blocked_uri" TEXT NULL,
    "violated_directive" TEXT NULL,
    "effective_directive" TEXT NULL,
    "original_policy" TEXT NULL,
    "disposition" TEXT NULL,
    "source_file" TEXT NULL,
    "line_number" INTEGER NULL,
    "column_number" INTEGER NULL,
    "sample" TEXT NULL,
    "status_code" INTEGER NULL,
    "received_at" INTEGER NOT NULL,
    "sender_ip" TEXT NULL,
    "user_agent" TEXT NULL
);

CREATE TABLE IF NOT EXISTS "security_password_expiry" (
    "user_id" TEXT NOT NULL CONSTRAINT "pk_security_password_expiry" PRIMARY KEY,
    "expires_at" INTEGER NULL
);

CREATE TABLE IF NOT EXISTS "security_throttle_counters" (
    "counter_key" TEXT NOT NULL CONSTRAINT "pk_security_throttle_counters" PRIMARY KEY,
    "failure_count" INTEGER NOT NULL,
    "last_failure" INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS "ix_security_csp_reports_received_at" ON "security_csp_reports" ("received_at");

CREATE INDEX IF NOT EXISTS "ix_security_throttle_counters_last_failure" ON "security_throttle_counters" ("last_failure");

CREATE TABLE IF NOT EXISTS "security_schema_version" (version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL);

INSERT INTO "security_schema_version" (version, description) VALUES (1, 'initial tables') ON CONFLICT (version) DO NOTHING;

