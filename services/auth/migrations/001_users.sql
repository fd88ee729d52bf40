-- Users of Orderly. E-mail is unique case-insensitively (SPEC §3): the unique index on lower(email)
-- serves both the uniqueness rule and the login lookup.
CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  name text,
  password_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT '{customer}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['customer', 'admin']::text[] AND cardinality(roles) > 0)
);

CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
