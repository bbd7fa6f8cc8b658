/**
 * The large template of the editor's responsiveness checks: schema big, whose
 * schema-only dump is about 10 MB (tables, indexes, comments, and functions
 * whose bodies name the schema). Used by the large-dump e2e (does the editor
 * open it and find its references) and the editor-large-dump bench section
 * (how long the main thread is busy while it does).
 */

export const LARGE_TEMPLATE_TABLES = 3200;

/** Creates schema big in the connected database (one DO block; the server needs max_locks_per_transaction ≥ 4096). */
export const LARGE_TEMPLATE_SQL = `
create schema big;
do $$
declare body text;
begin
  for i in 1..${LARGE_TEMPLATE_TABLES} loop
    execute format('create table big.t_%s (id bigint generated always as identity primary key, account_id bigint not null, name text not null, email text, status text not null default %L, amount_cents bigint not null default 0, currency char(3) not null default %L, notes text, created_at timestamptz not null default now(), updated_at timestamptz not null default now(), payload jsonb)', i, 'new', 'EUR');
    execute format('create index t_%s_account on big.t_%s (account_id, created_at)', i, i);
    execute format('comment on table big.t_%s is %L', i, 'Table number ' || i || ' of the large template used to check that the editor stays responsive.');
    body := 'begin' || repeat(format('
  update big.t_%1$s set updated_at = now() where id = new.id and status <> %3$L;
  insert into big.t_%1$s (account_id, name, status) select account_id, name, %2$L from big.t_%1$s where id = new.id;
  delete from big.t_%1$s where status = %3$L and created_at < now() - interval %4$L;
  perform count(*) from big.t_%1$s where account_id = new.account_id and currency = %5$L;', i, 'copy', 'void', '30 days', 'EUR'), 5) || '
  return new;
end';
    execute format('create function big.touch_%s() returns trigger language plpgsql as %L', i, body);
  end loop;
end $$;`;
