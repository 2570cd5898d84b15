-- Clients of the token endpoint: partner agencies, procurement systems, supervisors' tools.
-- Secrets are stored only as scrypt hashes; a change is announced on the channel
-- credit_gateway_clients so every gateway process drops a disabled client's tokens at once.

CREATE TABLE clients (
    client_id         text PRIMARY KEY,
    name              text NOT NULL,
    role              text NOT NULL,
    scopes            text[] NOT NULL,
    secret_hash       text NOT NULL,
    created_at        timestamptz NOT NULL,
    secret_rotated_at timestamptz NOT NULL,
    disabled_at       timestamptz
);

CREATE FUNCTION clients_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('credit_gateway_clients', NEW.client_id);
    RETURN NULL;
END $$;

CREATE TRIGGER clients_changed AFTER INSERT OR UPDATE ON clients
    FOR EACH ROW EXECUTE FUNCTION clients_announce();
