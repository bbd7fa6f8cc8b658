/**
 * A snapshot published into the database (issue 13): the table that stores it
 * in Tenantry's bookkeeping schema and the renderer the application's
 * functions (tenant-functions-sql.ts) use.
 *
 * The only dynamic SQL they run is the stored snapshot body (or its claim
 * statements, claim-text.ts), with the validated
 * name written into each placeholder occurrence exactly as
 * core/snapshot/render.ts writes it (the occurrence's context: identifier or
 * name, then the literal / dollar-quote / comment layers around it, inside out),
 * after checking the row's seal and the body's checksum. The snapshot's session
 * settings are set for the body and put back afterwards, so the caller's
 * transaction keeps its own.
 */
import { TenantryError } from '../errors.js';
import { buildSessionPreamble, DEFAULT_SESSION_SETTINGS } from '../provision/session-preamble.js';
import type { Snapshot } from '../snapshot/format.js';
import type { ClaimText } from './claim-text.js';
import { sha256Hex } from '../snapshot/sha256.js';
import { planBodyChunks } from './body-chunks.js';

export const PUBLISHED_TABLE = '_tenantry.published_snapshots';

/** One published snapshot as stored: every field render needs, as text, covered by `seal`. */
export interface PublishedRow {
  label: string;
  bodyChecksum: string;
  template: string;
  placeholder: string;
  contexts: string;
  occurrences: string;
  sessionSettings: string;
  createsSchema: boolean;
  /** JSON of the ClaimText claim_tenant runs on a renamed spare; absent when the warm pool cannot serve the snapshot. */
  claimPlan?: string;
  /** JSON of the BodyChunks create_tenant cuts the rendered body at (body-chunks.ts); absent when it runs the body whole. */
  bodyChunks?: string;
  body: string;
  seal: string;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Throws USAGE unless `label` is 1–63 letters, digits, `.`, `_`, `-` starting with a letter or digit. */
export function validateLabel(label: string): void {
  if (!LABEL.test(label)) throw new TenantryError('USAGE', `The label ${JSON.stringify(label)} cannot be used: give 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. v42).`);
}

/** The text the seal hashes; publishedSealSql computes the same in the database. */
function sealText(r: Omit<PublishedRow, 'seal' | 'body' | 'label'>): string {
  // The claim plan comes last and only when present (concat_ws skips NULL): rows published before it keep their seal.
  const fields = ['tenantry-published-1', r.bodyChecksum, r.template, r.placeholder, r.contexts, r.occurrences, r.sessionSettings, r.createsSchema ? 't' : 'f'];
  if (r.claimPlan !== undefined) fields.push(r.claimPlan);
  // Prefixed: with no claim plan the field list stays unambiguous (a claim plan is a JSON object).
  if (r.bodyChunks !== undefined) fields.push(`chunks:${r.bodyChunks}`);
  return fields.join('\n');
}

/** The stored form of a parsed (sealed, contained) snapshot; `claim` is buildClaimText's result for the pool's plan. */
export function toPublishedRow(snapshot: Snapshot, label: string, claim?: ClaimText): PublishedRow {
  validateLabel(label);
  const { header, body } = snapshot;
  // The settings provisioning applies (session-preamble.ts), minus client_encoding: the body is stored as text in the
  // server's encoding, so the client's does not apply.
  buildSessionPreamble(header.sessionSettings); // refuses anything that is not a plain setting
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...DEFAULT_SESSION_SETTINGS, ...header.sessionSettings })) if (name !== 'client_encoding') settings[name] = value;
  if (/^\s*COPY\b[^;]*\bFROM\s+stdin\b/im.test(body)) {
    throw new TenantryError('SNAPSHOT_INVALID', 'The snapshot holds COPY … FROM stdin data, which a database function cannot read. Publish a snapshot without table data, or provision these tenants with `tenantry provision`.');
  }
  const chunks = planBodyChunks(body, header.placeholder);
  const fields = {
    bodyChecksum: header.checksum,
    template: header.schema,
    placeholder: header.placeholder,
    contexts: JSON.stringify(header.contexts),
    occurrences: JSON.stringify(header.occurrences),
    sessionSettings: JSON.stringify(settings),
    createsSchema: header.createsSchema === true,
    ...(claim !== undefined ? { claimPlan: JSON.stringify(claim) } : {}),
    ...(chunks !== undefined ? { bodyChunks: JSON.stringify(chunks) } : {}),
  };
  return { label, ...fields, body, seal: sha256Hex(sealText(fields)) };
}

/** The table, its seal and the renderer; `$1`-free, run by the publishing role in one transaction (then buildTenantFunctionsSql). */
export function buildPublishedSchemaSql(): string {
  return `CREATE TABLE IF NOT EXISTS ${PUBLISHED_TABLE} (
  label text PRIMARY KEY,
  body_checksum text NOT NULL,
  template text NOT NULL,
  placeholder text NOT NULL,
  contexts text NOT NULL,
  occurrences text NOT NULL,
  session_settings text NOT NULL,
  creates_schema boolean NOT NULL,
  body text NOT NULL,
  seal text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  published_by name NOT NULL DEFAULT CURRENT_USER
);
-- Added with claim_tenant: NULL when the warm pool cannot serve the snapshot (claims then build).
ALTER TABLE ${PUBLISHED_TABLE} ADD COLUMN IF NOT EXISTS claim_plan text;
ALTER TABLE ${PUBLISHED_TABLE} ADD COLUMN IF NOT EXISTS body_chunks text;
${publishedSealSql()}
${checkFunctionSql()}
${renderFunctionSql()}`;
}

/**
 * The seal of the row `row` (a table alias or a row variable) as an SQL expression: the text sealText builds, hashed.
 * published_seal runs it; published_for_tenant and check_published write it inline (a LANGUAGE sql function is
 * parsed and planned again at each call from PL/pgSQL).
 */
export function sealSql(row: string): string {
  return `encode(sha256(convert_to(concat_ws(E'\\n', 'tenantry-published-1', ${row}.body_checksum, ${row}.template, ${row}.placeholder, ${row}.contexts,
    ${row}.occurrences, ${row}.session_settings, CASE WHEN ${row}.creates_schema THEN 't' ELSE 'f' END, ${row}.claim_plan, 'chunks:' || ${row}.body_chunks), 'UTF8')), 'hex')`;
}

function publishedSealSql(): string {
  return `CREATE OR REPLACE FUNCTION _tenantry.published_seal(s ${PUBLISHED_TABLE}) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $tenantry_seal$
  SELECT ${sealSql('s')}
$tenantry_seal$;`;
}

/**
 * The SQL condition on the variable `tenant`: the name reads the same in every placeholder context (quote_ident leaves
 * it alone and it has no "$": no quote, backslash, comment mark or dollar tag to escape), so one replace() renders it.
 */
export const READS_THE_SAME = `quote_ident(tenant) = tenant AND position('$' IN tenant) = 0`;

/** The PL/pgSQL statement refusing row `s` as changed after publishing. */
export const RAISE_CHANGED = `RAISE EXCEPTION USING ERRCODE = 'data_corrupted', MESSAGE = format('tenantry: the published snapshot %s was changed after publishing (its checksum does not match); nothing was created.', s.label),
      HINT = 'Publish the snapshot again with tenantry publish.';`;

/**
 * check_published(s, whole): raises unless the row's seal holds (and, when `whole`, the body matches its checksum).
 * The body is the one field the seal leaves out, so a row read with its body set to NULL (published_for_tenant)
 * checks cheaply: passing a row to a function copies it whole, detoasting a body of megabytes each time.
 */
function checkFunctionSql(): string {
  return `CREATE OR REPLACE FUNCTION _tenantry.check_published(s ${PUBLISHED_TABLE}, whole boolean) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $tenantry_check$
BEGIN
  IF s.seal IS DISTINCT FROM ${sealSql('s')} OR (whole AND encode(sha256(convert_to(s.body, 'UTF8')), 'hex') IS DISTINCT FROM s.body_checksum) THEN
    ${RAISE_CHANGED}
  END IF;
END
$tenantry_check$;`;
}

/**
 * render_published(s, tenant): the whole body for `tenant`, after checking the row's seal and the body's checksum
 * (the body read from the table when `s` has none); render_text(s, tenant, body, occurrences) renders any text of
 * the snapshot (the body, or the claim statements) whose occurrences are given (NULL: the body's).
 */
function renderFunctionSql(): string {
  return `CREATE OR REPLACE FUNCTION _tenantry.render_published(s ${PUBLISHED_TABLE}, tenant text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $tenantry_render$
DECLARE
  body text;
BEGIN
  PERFORM _tenantry.check_published(s, false);
  -- "|| ''" makes one plain copy: a variable keeps a TOAST pointer, detoasted (fetched, decompressed) at every use.
  body := coalesce(s.body, (SELECT p.body FROM ${PUBLISHED_TABLE} p WHERE p.label = s.label)) || '';
  IF encode(sha256(convert_to(body, 'UTF8')), 'hex') IS DISTINCT FROM s.body_checksum THEN
    ${RAISE_CHANGED}
  END IF;
  RETURN _tenantry.render_text(s, tenant, body, s.occurrences);
END
$tenantry_render$;
CREATE OR REPLACE FUNCTION _tenantry.render_text(s ${PUBLISHED_TABLE}, tenant text, body text, occurrences text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $tenantry_render$
DECLARE
  ctxs jsonb;
  occ int[];
  pieces text[];
  names text[];
  site jsonb;
  w jsonb;
  v text;
  tag text;
  k int;
  before text;
  after text;
  out text;
BEGIN
  -- A name quote_ident leaves alone and without "$" reads the same in every context (no quote, backslash, comment
  -- mark or dollar tag to escape): one replace() in C, without reading the contexts (the seal and the checksum
  -- already tie the occurrences to the body).
  IF ${READS_THE_SAME} THEN
    RETURN replace(body, s.placeholder, tenant);
  END IF;
  -- A row read without its contexts and occurrences (published_for_tenant): read them, sealed with the rest.
  IF s.contexts IS NULL THEN
    s := _tenantry.published_full(s.label, s.seal);
  END IF;
  occurrences := coalesce(occurrences, s.occurrences);
  ctxs := s.contexts::jsonb;
  FOR i IN 0 .. jsonb_array_length(ctxs) - 1 LOOP
    site := ctxs->i;
    v := CASE site->>'form' WHEN 'identifier' THEN quote_ident(tenant) WHEN 'name' THEN tenant END;
    IF v IS NULL THEN RAISE EXCEPTION USING ERRCODE = 'data_corrupted', MESSAGE = 'tenantry: a placeholder context of the published snapshot has an unknown form.'; END IF;
    FOR w IN SELECT x FROM jsonb_array_elements(site->'wrappers') x LOOP
      CASE w->>'type'
        WHEN 'literal' THEN
          IF w->>'style' = 'escape' THEN v := replace(v, E'\\\\', E'\\\\\\\\'); END IF;
          v := replace(v, '''', '''''');
        WHEN 'dollar' THEN
          IF position(w->>'tag' IN v) > 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_name', MESSAGE = format('The tenant name %s contains %s, which would end a dollar-quoted function body early. Choose a name without "%s".', to_json(tenant), w->>'tag', w->>'tag');
          END IF;
        WHEN 'line-comment' THEN NULL; -- the name rule refuses line breaks
        WHEN 'block-comment' THEN v := replace(replace(v, '*/', '* /'), '/*', '/ *');
        ELSE RAISE EXCEPTION USING ERRCODE = 'data_corrupted', MESSAGE = 'tenantry: a placeholder context of the published snapshot has an unknown layer.';
      END CASE;
    END LOOP;
    names[i + 1] := v;
  END LOOP;
  -- Most names read the same in every context (nothing to quote or escape): then every occurrence is that text, and
  -- one replace() in C does what the loop below does (the seal and the checksum already tie the occurrences to the body).
  IF position('$' IN tenant) = 0 AND cardinality(names) > 0 AND NOT EXISTS (SELECT 1 FROM unnest(names) n WHERE n IS DISTINCT FROM names[1]) THEN
    RETURN replace(body, s.placeholder, names[1]);
  END IF;
  occ := ARRAY(SELECT (o.e->>0)::int FROM jsonb_array_elements(occurrences::jsonb) WITH ORDINALITY o(e, n), generate_series(1, (o.e->>1)::int) g ORDER BY o.n, g);
  pieces := CASE WHEN body = '' THEN ARRAY['']::text[] ELSE string_to_array(body, s.placeholder) END;
  IF cardinality(pieces) IS DISTINCT FROM cardinality(occ) + 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'data_corrupted', MESSAGE = format('tenantry: the published snapshot %s lists %s placeholder occurrences but its body holds %s; nothing was created.', s.label, cardinality(occ), cardinality(pieces) - 1);
  END IF;
  -- A name with "$" next to body text starting or ending with "$" could form a dollar tag: refuse, like render.ts.
  IF position('$' IN tenant) > 0 THEN
    FOR i IN 1 .. cardinality(occ) LOOP
      v := names[occ[i] + 1];
      CONTINUE WHEN position('$' IN v) = 0;
      FOR w IN SELECT x FROM jsonb_array_elements(ctxs->occ[i]->'wrappers') x WHERE x->>'type' = 'dollar' LOOP
        tag := w->>'tag';
        k := length(tag) - 1;
        before := right(array_to_string(pieces[1:i], s.placeholder), k);
        after := left(array_to_string(pieces[i + 1:], s.placeholder), k);
        IF (length(before || v || after) - length(replace(before || v || after, tag, ''))) / length(tag)
           > (length(before || s.placeholder || after) - length(replace(before || s.placeholder || after, tag, ''))) / length(tag) THEN
          RAISE EXCEPTION USING ERRCODE = 'invalid_name', MESSAGE = format('The tenant name %s would form %s with the text next to it and end a dollar-quoted function body early. Choose a name without "$".', to_json(tenant), tag);
        END IF;
      END LOOP;
    END LOOP;
  END IF;
  SELECT string_agg(p.piece || coalesce(names[occ[p.n] + 1], ''), '' ORDER BY p.n) INTO out FROM unnest(pieces) WITH ORDINALITY p(piece, n);
  RETURN coalesce(out, '');
END
$tenantry_render$;`;
}
