/**
 * What a service read from pg_catalog about the template schema. The engine
 * never sees a connection: it is handed these facts.
 */
export interface CatalogFacts {
  /** The template schema's real name (as stored, not quoted). */
  schema: string;
  /** Objects that belong to the template schema (unqualified names as stored). */
  objects: { relations: string[]; types: string[]; functions: string[]; sequences?: string[]; collations?: string[]; textSearch?: string[]; operators?: string[] };
  /** Objects in the template schema that belong to an extension (e.g. citext in public): never templated. */
  extensionObjects: { relations: string[]; types: string[]; functions: string[]; operatorClasses?: string[]; operators?: string[] };
  extensions: { name: string; schema: string }[];
}

/**
 * Members of common contrib extensions, used only when no CatalogFacts are
 * given and the dump itself installs the extension into the template schema
 * (a `public` template with `CREATE EXTENSION citext WITH SCHEMA public`).
 * With CatalogFacts the catalog is the authority.
 */
export const KNOWN_EXTENSION_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  citext: ['citext', 'citext_ops', 'citext_pattern_ops', 'citext_hash_ops', 'citextin', 'citextout', 'regexp_match', 'regexp_matches', 'regexp_replace', 'regexp_split_to_array', 'regexp_split_to_table', 'strpos', 'replace', 'split_part', 'translate', 'texticlike', 'texticnlike'],
  pg_trgm: ['gin_trgm_ops', 'gist_trgm_ops', 'similarity', 'show_trgm', 'word_similarity', 'strict_word_similarity', 'show_limit', 'set_limit', 'similarity_op', 'gtrgm'],
  'uuid-ossp': ['uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v3', 'uuid_generate_v4', 'uuid_generate_v5', 'uuid_nil', 'uuid_ns_dns', 'uuid_ns_url', 'uuid_ns_oid', 'uuid_ns_x500'],
  pgcrypto: ['crypt', 'gen_salt', 'digest', 'hmac', 'gen_random_bytes', 'gen_random_uuid', 'encrypt', 'decrypt', 'encrypt_iv', 'decrypt_iv', 'pgp_sym_encrypt', 'pgp_sym_decrypt', 'pgp_pub_encrypt', 'pgp_pub_decrypt', 'armor', 'dearmor'],
  hstore: ['hstore', 'akeys', 'avals', 'skeys', 'svals', 'each', 'exist', 'defined', 'delete', 'slice', 'hstore_to_json', 'gin_hstore_ops', 'gist_hstore_ops'],
  btree_gist: ['gist_int4_ops', 'gist_int8_ops', 'gist_text_ops', 'gist_timestamp_ops', 'gist_timestamptz_ops', 'gist_uuid_ops'],
  btree_gin: ['gin_int4_ops', 'gin_int8_ops', 'gin_text_ops', 'gin_timestamp_ops'],
  unaccent: ['unaccent', 'unaccent_init', 'unaccent_lexize'],
  fuzzystrmatch: ['levenshtein', 'levenshtein_less_equal', 'soundex', 'difference', 'metaphone', 'dmetaphone', 'dmetaphone_alt'],
  intarray: ['gin__int_ops', 'gist__int_ops', 'gist__intbig_ops', 'icount', 'sort', 'sort_asc', 'sort_desc', 'uniq', 'idx', 'subarray', 'intset'],
  ltree: ['ltree', 'lquery', 'ltxtquery', 'ltree_gist_ops', 'nlevel', 'subltree', 'subpath', 'lca'],
  cube: ['cube', 'cube_dim', 'cube_distance'],
  earthdistance: ['earth', 'll_to_earth', 'earth_distance', 'earth_box'],
  tablefunc: ['crosstab', 'normal_rand', 'connectby'],
  plpgsql: [],
};

/** Every name in a CatalogFacts object list, as one set. */
export function collectNames(lists: Record<string, string[] | undefined>): Set<string> {
  const names = new Set<string>();
  for (const list of Object.values(lists)) for (const name of list ?? []) names.add(name);
  return names;
}
