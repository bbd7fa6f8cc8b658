/**
 * The functions an application calls (issue 13): `_tenantry.create_tenant(name, label)`
 * builds the tenant from the published snapshot, `_tenantry.claim_tenant(name, label)`
 * takes a warm-pool spare of that snapshot when one is free and builds otherwise.
 * Both are SECURITY DEFINER with a pinned search_path and run in the caller's
 * transaction, where they also record the tenant in the register
 * (`_tenantry.tenants`, how 'published' or 'claimed', the label as the
 * snapshot's name): a rollback by the caller leaves nothing, not even a used
 * spare or a register row.
 *
 * A claim does what the pool's own claim does (electron/services/warm-pool.ts,
 * buildClaimSql): the oldest free spare's row is locked FOR UPDATE SKIP LOCKED
 * (concurrent claims take different spares and never wait for each other), the
 * schema is renamed, the schema privileges withheld from the spare are given
 * back, the row is deleted and the claim statements stored at publish time
 * (core/publish/claim-text.ts) run rendered for the tenant. Spares the
 * publishing role cannot rename (built by a role it is not a member of) are
 * passed over.
 */
import { buildRegisterUpsertSql, REGISTER_FUNCTION } from '../fleet/register-sql.js';
import { DEFAULT_SESSION_SETTINGS } from '../provision/session-preamble.js';
import { quoteLiteral } from '../sql/quote.js';
import { POOL_SCHEMA } from '../pool/spare-name.js';
import { TENANT_LOCK_CLASS } from '../provision/tenant-guard.js';
import { PUBLISHED_TABLE, RAISE_CHANGED, READS_THE_SAME, sealSql } from './published-sql.js';

const SPARES = `${POOL_SCHEMA}.pool_spares`;
/** The published row's columns but the body (buildPublishedSchemaSql). */
const ROW_FIELDS = ['label', 'body_checksum', 'template', 'placeholder', 'contexts', 'occurrences', 'session_settings', 'creates_schema', 'seal', 'published_at', 'published_by', 'claim_plan', 'body_chunks'];
/** What the entry points carry from call to call: all but the body and the placeholder contexts and occurrences, which only names that need quoting use. */
const LIGHT_FIELDS = ROW_FIELDS.filter((f) => f !== 'contexts' && f !== 'occurrences');
/** The register's SQL entry point (core/fleet/register-sql.ts), which publishing creates with the pool's bookkeeping. */
const REGISTER_FN = REGISTER_FUNCTION.replace(/\(.*$/, '');

/** The helpers and the two entry points, for buildPublishedSchemaSql. */
export function buildTenantFunctionsSql(): string {
  return [publishedForTenantSql(), publishedFullSql(), executePublishedSql(), runClaimSql(), createTenantSql(), claimTenantSql()].join('\n');
}

/**
 * published_for_tenant(tenant, wanted): the published row (the label's, or the newest), its seal checked, after
 * checking the name and taking the tenant's advisory lock (the one provisioning takes, core/provision/tenant-guard.ts)
 * and checking that no schema has the name. The row comes without the body and without the placeholder contexts and
 * occurrences (render_text reads those when a name needs them): the entry points pass it from function to function,
 * and each pass copies it whole.
 */
function publishedForTenantSql(): string {
  return `CREATE OR REPLACE FUNCTION _tenantry.published_for_tenant(tenant text, wanted text) RETURNS ${PUBLISHED_TABLE}
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $tenantry_find$
DECLARE
  s ${PUBLISHED_TABLE};
  sealed boolean;
  problem text;
BEGIN
  -- The seal is computed here from the stored row, in the statement that reads it (SELECT * would also fetch and
  -- decompress the body, about a millisecond at 400 tables), and so is the name's verdict (raised after the seal's):
  -- one statement, planned again at each claim (a claim's rename makes the session plan every statement again).
  SELECT ${LIGHT_FIELDS.map((f) => `p.${f}`).join(', ')}, p.seal IS NOT DISTINCT FROM ${sealSql('p')},
      _tenantry.tenant_name_problem(tenant, ARRAY(SELECT q.template FROM ${PUBLISHED_TABLE} q))
    INTO ${LIGHT_FIELDS.map((f) => `s.${f}`).join(', ')}, sealed, problem
    FROM ${PUBLISHED_TABLE} p WHERE wanted IS NULL OR p.label = wanted ORDER BY p.published_at DESC, p.label DESC LIMIT 1;
  -- One test on the way through (no row, seal, name: raised in that order).
  IF s.label IS NULL OR NOT sealed OR problem IS NOT NULL THEN
    IF s.label IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'undefined_object', MESSAGE = CASE WHEN wanted IS NULL THEN 'tenantry: no snapshot is published in this database.' ELSE format('tenantry: no snapshot is published under the label %s.', to_json(wanted)) END,
        HINT = 'List the published snapshots with tenantry publish --list; publish one with tenantry publish --snapshot FILE.';
    END IF;
    IF NOT sealed THEN
      ${RAISE_CHANGED}
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'invalid_name', MESSAGE = format('The tenant name %s cannot be used: %s', to_json(tenant), problem);
  END IF;
  -- Two creations (or claims) of one name queue up.
  PERFORM pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, hashtext(tenant));
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = tenant) THEN
    RAISE EXCEPTION USING ERRCODE = 'duplicate_schema', MESSAGE = format('tenantry: tenant schema already exists: %s; it was left untouched.', tenant);
  END IF;
  RETURN s;
END
$tenantry_find$;`;
}

/**
 * published_full(label, seal): the row published under `label` with the seal `seal` (the one published_for_tenant
 * read), all but the body, its seal checked: what render_text needs for a name that needs quoting.
 */
function publishedFullSql(): string {
  return `CREATE OR REPLACE FUNCTION _tenantry.published_full(label text, seal text) RETURNS ${PUBLISHED_TABLE}
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $tenantry_full$
DECLARE
  s ${PUBLISHED_TABLE};
BEGIN
  SELECT ${ROW_FIELDS.map((f) => `p.${f}`).join(', ')} INTO ${ROW_FIELDS.map((f) => `s.${f}`).join(', ')}
    FROM ${PUBLISHED_TABLE} p WHERE p.label = $1 AND p.seal = $2;
  IF s.label IS NULL THEN
    s.label := $1;
    ${RAISE_CHANGED}
  END IF;
  PERFORM _tenantry.check_published(s, false);
  RETURN s;
END
$tenantry_full$;`;
}

/**
 * execute_published(s, tenant, sql, spare): runs rendered SQL of the snapshot with its session settings, put back
 * afterwards so the caller's transaction keeps its own. With `spare` NULL it first creates the schema when the body
 * does not; otherwise it first renames the spare to the tenant. With `sql` NULL it runs the stored body: it checks
 * the row's seal and the body's checksum, then runs the body rendered for the tenant (render_text) or, for a name
 * that reads the same in every placeholder context, the placeholder body's pieces between the sealed cuts
 * (core/publish/body-chunks.ts), each rendered with one replace() just before it runs. The body is then copied
 * twice in all (fetched and decompressed, kept), not rendered whole and copied from function to function: each
 * large copy is fresh memory the backend takes from the kernel and gives back.
 *
 * The function's SET clauses hold the settings pg_dump's preamble sets (USUAL_SETTINGS, search_path left pinned for
 * the function's own statements): PostgreSQL puts a setting named in a SET clause back at the function's exit, a
 * set_config(…, true) inside included. A snapshot with exactly those settings (the usual case) then costs one
 * set_config (search_path '') and no statement to save and put back the rest; any other goes the general way, saving
 * each of its settings and putting them back afterwards (a claim's rename makes the session plan each statement again,
 * so statements are what a claim costs).
 */
function executePublishedSql(): string {
  // Piece i (bytes cuts[i] to cuts[i + 1] of the placeholder body) rendered for the tenant, or the rendered text.
  const piece = `coalesce(rendered, replace(convert_from(substring(whole FROM cuts[i] + 1 FOR cuts[i + 1] - cuts[i]), 'UTF8'), s.placeholder, tenant))`;
  const run = (indent: string) => `${indent}IF head IS NOT NULL THEN EXECUTE head; END IF;
${indent}FOR i IN 1 .. cardinality(cuts) - 1 LOOP EXECUTE ${piece}; END LOOP;`;
  return `CREATE OR REPLACE FUNCTION _tenantry.execute_published(s ${PUBLISHED_TABLE}, tenant text, sql text, spare name) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp ${usualSetClauses()} AS $tenantry_run$
DECLARE
  names text[];
  saved text[];
  head text;
  constraint_name text;
  rendered text := sql;
  whole bytea;
  cuts int[] := ARRAY[0, 0];
BEGIN
  IF sql IS NULL THEN
    -- published_for_tenant checked the row's seal, which covers the body's checksum.
    whole := (SELECT convert_to(p.body, 'UTF8') FROM ${PUBLISHED_TABLE} p WHERE p.label = s.label);
    IF encode(sha256(whole), 'hex') IS DISTINCT FROM s.body_checksum THEN
      ${RAISE_CHANGED}
    END IF;
    IF ${READS_THE_SAME} THEN
      IF s.body_chunks IS NOT NULL AND octet_length(whole) IS DISTINCT FROM (s.body_chunks::jsonb->>'bytes')::int THEN
        RAISE EXCEPTION USING ERRCODE = 'data_corrupted', MESSAGE = format('tenantry: the published snapshot %s does not match its cuts; nothing was created.', s.label);
      END IF;
      cuts := ARRAY[0] || ARRAY(SELECT (c->>0)::int FROM jsonb_array_elements(s.body_chunks::jsonb->'points') c) || octet_length(whole);
    ELSE
      rendered := _tenantry.render_text(s, tenant, convert_from(whole, 'UTF8'), NULL);
    END IF;
  END IF;
  IF s.session_settings::jsonb = ${quoteLiteral(JSON.stringify(USUAL_SETTINGS))}::jsonb THEN
    -- The SET clauses set the rest; search_path is put back at the exit with them.
    PERFORM set_config('search_path', '', true);
  ELSE
    -- Each setting's value now, then the snapshot's (a quoted value unquoted).
    SELECT array_agg(e.key), array_agg(current_setting(e.key, true)) INTO names, saved FROM jsonb_each_text(s.session_settings::jsonb) e;
    PERFORM set_config(e.key, CASE WHEN e.value LIKE '''%''' THEN replace(substr(e.value, 2, length(e.value) - 2), '''''', '''') ELSE e.value END, true)
      FROM jsonb_each_text(s.session_settings::jsonb) e;
  END IF;
  head := CASE WHEN spare IS NOT NULL THEN format('ALTER SCHEMA %I RENAME TO %I', spare, tenant) WHEN NOT s.creates_schema THEN format('CREATE SCHEMA %I', tenant) END;
  IF current_setting('transaction_isolation') = 'read committed' THEN
    -- published_for_tenant looked for the schema under the tenant's lock with a fresh snapshot, so no Tenantry path
    -- can have created it since: no subtransaction (a few percent of a whole tenant's time) around the body.
${run('    ')}
  ELSE
    BEGIN
${run('      ')}
    EXCEPTION WHEN unique_violation THEN
      -- Another transaction created the schema after this one's snapshot (REPEATABLE READ and SERIALIZABLE callers).
      GET STACKED DIAGNOSTICS constraint_name = CONSTRAINT_NAME;
      IF constraint_name = 'pg_namespace_nspname_index' THEN
        RAISE EXCEPTION USING ERRCODE = 'duplicate_schema', MESSAGE = format('tenantry: tenant schema already exists: %s (created by another transaction meanwhile); nothing was created.', tenant);
      END IF;
      RAISE;
    END;
  END IF;
  IF names IS NOT NULL THEN
    PERFORM set_config(u.name, u.value, true) FROM unnest(names, saved) u(name, value) WHERE u.value IS NOT NULL;
  END IF;
END
$tenantry_run$;`;
}

/**
 * run_claim(sql): runs the text claimSqlFor built in one EXECUTE, with the settings pg_dump's preamble sets (the SET
 * clauses, as execute_published's; the text sets search_path itself), put back at the exit. Owner only; not SECURITY
 * DEFINER, so it runs nothing its caller could not run.
 */
function runClaimSql(): string {
  return `CREATE OR REPLACE FUNCTION _tenantry.run_claim(sql text) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp ${usualSetClauses()} AS $tenantry_run_claim$
BEGIN
  EXECUTE sql;
END
$tenantry_run_claim$;`;
}

/**
 * All claim_tenant runs on the spare of pool row `sp` (namespace row `n`), as one text, or NULL: an SQL expression of
 * claim_tenant's spare SELECT. In order, as the pool's own claim does them: search_path '' (as for the body), the
 * rename, the claim statements rendered for the tenant, the schema privileges withheld from the spare given back, the
 * spare's row deleted, the register's row (the calling session's role as its creator), tenantry.claimed_spare. One
 * EXECUTE runs them: a claim's rename makes the session plan every PL/pgSQL statement again (and a committed claim
 * makes the next one plan its statements again), while the statements of an EXECUTE are planned once anyway.
 * NULL (claim_tenant then goes step by step) for a snapshot with other settings than run_claim's SET clauses hold,
 * a caller's transaction in REPEATABLE READ or SERIALIZABLE (execute_published guards the rename there), and on a
 * Citus node.
 */
function claimSqlFor(sp: string, n: string): string {
  const claim = `CASE WHEN ${READS_THE_SAME} THEN replace(s.claim_plan::json->>'body', s.placeholder, tenant)
        ELSE _tenantry.render_text(s, tenant, s.claim_plan::json->>'body', (s.claim_plan::json->'occurrences')::text) END`;
  const grants = `(SELECT string_agg(format('GRANT %s ON SCHEMA %I TO %s%s', a.privilege_type, tenant, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.rolname) END,
          CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END), E'\\n;\\n')
        FROM aclexplode(${sp}.withheld_acl) a LEFT JOIN pg_roles g ON g.oid = a.grantee WHERE a.grantee <> ${n}.nspowner)`;
  const register = quoteLiteral(buildRegisterUpsertSql('%L', '%L', '%L', '%L', quoteLiteral('claimed'), '%L'));
  // Joined by a line break, ';' and a line break: a text ending in a line comment still ends before the next statement.
  return `CASE WHEN s.session_settings::jsonb = ${quoteLiteral(JSON.stringify(USUAL_SETTINGS))}::jsonb AND current_setting('transaction_isolation') = 'read committed'
        AND placed IS NULL AND to_regclass('pg_catalog.pg_dist_local_group') IS NULL THEN
      concat_ws(E'\\n;\\n', 'SET LOCAL search_path = ''''', format('ALTER SCHEMA %I RENAME TO %I', ${sp}.schema_name, tenant), ${claim}, ${grants},
        format('DELETE FROM ${SPARES} WHERE schema_name = %L', ${sp}.schema_name),
        format(${register}, tenant, s.template, s.body_checksum, s.label, session_user),
        format('SELECT pg_catalog.set_config(''tenantry.claimed_spare'', %L, true)', ${sp}.schema_name)) END`;
}

/**
 * The settings of a snapshot pg_dump wrote (its preamble, DEFAULT_SESSION_SETTINGS and the rest, as toPublishedRow
 * stores them, client_encoding left out), which execute_published's SET clauses hold.
 */
export const USUAL_SETTINGS: Readonly<Record<string, string>> = {
  ...DEFAULT_SESSION_SETTINGS,
  statement_timeout: '0',
  lock_timeout: '0',
  idle_in_transaction_session_timeout: '0',
  xmloption: 'content',
  row_security: 'off',
  default_tablespace: "''",
  default_table_access_method: 'heap',
};

/** `SET name = value` for each usual setting but search_path (standard_conforming_strings first, as everywhere). */
function usualSetClauses(): string {
  const { search_path: _, standard_conforming_strings: sc, ...rest } = USUAL_SETTINGS;
  return Object.entries({ standard_conforming_strings: sc, ...rest }).map(([name, value]) => `SET ${name} = ${value}`).join(' ');
}

/** Builds the tenant from the published body and records it as 'published' (create_tenant, and a claim with no spare). */
function buildFromBodySql(indent: string): string {
  return [
    'PERFORM _tenantry.execute_published(s, tenant, NULL, NULL);',
    `PERFORM ${REGISTER_FN}(tenant, s.template, s.body_checksum, s.label, 'published');`,
    'RETURN tenant;',
  ].map((line) => indent + line).join('\n');
}

/**
 * An entry point `_tenantry.<fn>(name, label[, extra parameters])`: checks what `check` checks first (before any lock
 * is taken), looks up the published row for the name, then runs body.
 */
function entryPointSql(fn: string, declarations: string, body: string, extra = { params: '', check: '' }): string {
  const tag = `$tenantry_${fn.replace(/_tenant$/, '')}$`;
  return `CREATE OR REPLACE FUNCTION _tenantry.${fn}(name text, label text DEFAULT NULL${extra.params}) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS ${tag}
DECLARE
  tenant text := $1;
  s ${PUBLISHED_TABLE};${declarations}
BEGIN
${extra.check}  s := _tenantry.published_for_tenant(tenant, $2);
${body}
END
${tag};`;
}

function createTenantSql(): string {
  return entryPointSql('create_tenant', '', buildFromBodySql('  '));
}

/** claim_tenant's signature before it took a placement: publishing drops it (a call with one or two arguments would be ambiguous). */
export const CLAIM_TENANT_BEFORE_PLACEMENT = '_tenantry.claim_tenant(text, text)';

/**
 * claim_tenant(name, label, placement): on a Citus coordinator it takes only a spare placed as asked, like
 * `tenantry pool claim` (warm-pool.ts): 'local' (kept on the coordinator: a pool filled with --local) or, by default,
 * 'distributed'; a row from before placement was recorded counts as distributed. With no such spare it builds a
 * local tenant on the coordinator (citus.enable_schema_based_sharding off for the body), and refuses to build a
 * distributed one (the published body is not rewritten for Citus as tenantry provision rewrites it). Elsewhere
 * the placement is checked and has no effect.
 */
function claimTenantSql(): string {
  return entryPointSql(
    'claim_tenant',
    `
  plan jsonb;
  spare name;
  withheld aclitem[];
  sql text;
  r record;
  -- The placement asked for on a Citus coordinator (NULL elsewhere).
  placed text;
  sharding text;`,
    `  IF pg_catalog.to_regclass('pg_catalog.pg_dist_local_group') IS NOT NULL THEN
    EXECUTE 'SELECT CASE WHEN groupid = 0 THEN $1 END FROM pg_catalog.pg_dist_local_group' INTO placed USING coalesce($3, 'distributed');
  END IF;
  -- The oldest free spare, its row locked (concurrent claims take different spares and never wait), and in the same
  -- statement all the claim runs on it, as one text for one EXECUTE (claimSqlFor). A row whose schema was dropped by
  -- hand is passed over, so one bad row cannot block every claim.
  SELECT sp.schema_name, sp.withheld_acl, ${claimSqlFor('sp', 'n')} INTO spare, withheld, sql
    FROM ${SPARES} sp JOIN pg_namespace n ON n.nspname = sp.schema_name
    WHERE s.claim_plan IS NOT NULL AND sp.snapshot_checksum = s.body_checksum AND pg_has_role(n.nspowner, 'USAGE')
      AND (placed IS NULL OR (sp.placement IS NOT DISTINCT FROM 'local') = (placed = 'local'))
    ORDER BY sp.built_at, sp.schema_name LIMIT 1 FOR UPDATE OF sp SKIP LOCKED;
  IF spare IS NULL THEN
    IF placed = 'distributed' THEN
      RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = format('tenantry: no distributed warm-pool spare of the published snapshot %s is free, and claim_tenant builds tenants on a Citus coordinator only locally; nothing was created.', s.label),
        HINT = 'Fill the pool (tenantry pool fill), create the tenant with tenantry provision, or claim a local tenant with claim_tenant(name, label, ''local'').';
    ELSIF placed = 'local' THEN
      sharding := current_setting('citus.enable_schema_based_sharding');
      PERFORM set_config('citus.enable_schema_based_sharding', 'off', true);
      PERFORM _tenantry.execute_published(s, tenant, NULL, NULL);
      PERFORM set_config('citus.enable_schema_based_sharding', sharding, true);
      PERFORM ${REGISTER_FN}(tenant, s.template, s.body_checksum, s.label, 'published');
      RETURN tenant;
    END IF;
${buildFromBodySql('    ')}
  END IF;
  IF sql IS NOT NULL THEN
    PERFORM _tenantry.run_claim(sql);
    RETURN tenant;
  END IF;
  -- Settings other than pg_dump's usual ones, or a caller in REPEATABLE READ or SERIALIZABLE (execute_published guards
  -- the rename against a schema created meanwhile): step by step. published_for_tenant checked the seal, which covers
  -- the claim plan; the body itself is not run. The plan is dropped from the row, which is copied at each call below.
  plan := s.claim_plan::jsonb;
  s.claim_plan := NULL;
  sql := CASE WHEN ${READS_THE_SAME} THEN replace(plan->>'body', s.placeholder, tenant)
    ELSE _tenantry.render_text(s, tenant, plan->>'body', (plan->'occurrences')::text) END;
  PERFORM _tenantry.execute_published(s, tenant, sql, spare);
  -- Give back what default privileges gave a fresh schema (withheld while it was a spare).
  IF withheld IS NOT NULL THEN
    FOR r IN SELECT a.grantee, a.privilege_type, a.is_grantable, g.rolname FROM aclexplode(withheld) a LEFT JOIN pg_roles g ON g.oid = a.grantee
             WHERE a.grantee <> (SELECT nspowner FROM pg_namespace WHERE nspname = tenant) LOOP
      EXECUTE format('GRANT %s ON SCHEMA %I TO %s%s', r.privilege_type, tenant,
        CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, CASE WHEN r.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END IF;
  DELETE FROM ${SPARES} WHERE schema_name = spare;
  PERFORM ${REGISTER_FN}(tenant, s.template, s.body_checksum, s.label, 'claimed');
  PERFORM set_config('tenantry.claimed_spare', spare, true);
  RETURN tenant;`,
    {
      params: ', placement text DEFAULT NULL',
      check: `  IF $3 IS NOT NULL AND $3 NOT IN ('distributed', 'local') THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = format('tenantry: the placement %s is not known; nothing was created.', to_json($3)),
      HINT = 'Give ''distributed'', ''local'' or NULL (distributed on a Citus coordinator; no effect elsewhere).';
  END IF;
`,
    },
  );
}
