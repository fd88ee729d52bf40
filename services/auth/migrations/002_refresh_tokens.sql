-- Refresh tokens are opaque to clients; only their SHA-256 hash is stored. Every refresh uses up
-- one token and issues the next in the same family; presenting a used token revokes the family.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Lookup on refresh and logout.
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
-- Revoking a whole family.
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
-- Purging expired tokens.
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);
