/**
 * Where SQL text holds a setting name or builds a name, shared by the
 * snapshot engine's reference finder and verify's scan so both judge these
 * positions by one rule.
 */

/** Functions whose first argument is a setting name (`storage.operation`), never a reference — except `search_path`'s value. */
export const SETTING_FUNCTIONS: ReadonlySet<string> = new Set(['current_setting', 'set_config']);

/** Words before a setting name: `SET [LOCAL|SESSION] S.x`, `SHOW S.x`, `RESET S.x`. */
export const SETTING_WORDS: ReadonlySet<string> = new Set(['set', 'show', 'reset', 'local', 'session']);

/** Functions that build text from their arguments: a bare 'S' among them is part of a name built by concatenation. */
export const CONCAT_FUNCTIONS: ReadonlySet<string> = new Set(['format', 'quote_ident', 'concat', 'concat_ws']);
