import { CI_ROLE_PATTERN } from './backends/postgres.js';

/**
 * A server-side backstop for the postgres backend. `VALID UNTIL` only refuses new logins: a session opened before
 * the expiry keeps working, and the role stays, until something drops it. Scheduled on the server (pg_cron, or
 * cron/systemd running psql), `keyward.sweep_expired_roles()` ends the sessions of every `ci_` role past its
 * VALID UNTIL and drops it, without waiting for a GitHub runner. Run it as the admin role the action uses
 * (CREATEROLE, pg_signal_backend, and on PostgreSQL 16+ ADMIN OPTION on the roles, which their creator has).
 * Needs PostgreSQL 14+ (pg_terminate_backend with a timeout).
 */
export const POSTGRES_SWEEPER_SQL = `-- keyward: end the sessions of expired ci_ roles and drop them (PostgreSQL 14+).
-- Install as the admin role the provision action uses; it needs CREATE on the database for the schema.
CREATE SCHEMA IF NOT EXISTS keyward;

CREATE OR REPLACE FUNCTION keyward.sweep_expired_roles()
RETURNS TABLE (role_name name, sessions_ended integer, dropped boolean, note text)
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $sweep$
DECLARE
  expired record;
BEGIN
  FOR expired IN
    SELECT rolname FROM pg_roles
    WHERE rolname ~ '${CI_ROLE_PATTERN.source}' AND rolvaliduntil < now()
    ORDER BY rolname
  LOOP
    role_name := expired.rolname;
    sessions_ended := 0;
    dropped := false;
    note := NULL;
    BEGIN
      -- NOLOGIN, then end every session, waiting up to 5 s for each to exit: a role dropped under a live
      -- session would leave that session running.
      EXECUTE format('ALTER ROLE %I NOLOGIN', role_name);
      SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int INTO sessions_ended
        FROM pg_stat_activity WHERE usename = role_name AND pid <> pg_backend_pid();
    EXCEPTION WHEN OTHERS THEN
      note := SQLERRM;
      RETURN NEXT;
      CONTINUE;
    END;
    -- pg_terminate_backend only warns when the timeout passes; never drop a role a session still runs as.
    PERFORM pg_stat_clear_snapshot();
    IF EXISTS (SELECT 1 FROM pg_stat_activity WHERE usename = role_name AND pid <> pg_backend_pid()) THEN
      note := 'a session outlived pg_terminate_backend; the next sweep tries again';
      RETURN NEXT;
      CONTINUE;
    END IF;
    BEGIN
      EXECUTE format('REASSIGN OWNED BY %I TO CURRENT_USER', role_name);
      EXECUTE format('DROP OWNED BY %I', role_name);
      EXECUTE format('DROP ROLE %I', role_name);
      dropped := true;
    EXCEPTION WHEN OTHERS THEN
      -- e.g. it owns objects in another database: its sessions are ended, keyward janitor postgres drops it
      note := SQLERRM;
    END;
    RETURN NEXT;
  END LOOP;
END
$sweep$;

REVOKE ALL ON FUNCTION keyward.sweep_expired_roles() FROM PUBLIC;
`;
