/**
 * UTF-16 code units the SQL text layer compares against, by name. The scanner,
 * region map and the finders walk text with charCodeAt and compare integers (no
 * string per character); these names say which character a number is.
 * `c | 32` folds an ASCII letter to lower case (and leaves no other character a
 * lower-case letter), so letters are named in lower case only.
 */
export const TAB = 9;
export const NEWLINE = 10;
export const CARRIAGE_RETURN = 13;
export const SPACE = 32;
export const DOUBLE_QUOTE = 34;
export const DOLLAR = 36;
export const PERCENT = 37;
export const AMPERSAND = 38;
export const QUOTE = 39;
export const OPEN_PAREN = 40;
export const CLOSE_PAREN = 41;
export const STAR = 42;
export const PLUS = 43;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const SLASH = 47;
export const DIGIT_0 = 48;
export const DIGIT_9 = 57;
export const COLON = 58;
export const SEMICOLON = 59;
export const EQUALS = 61;
export const UPPER_A = 65;
export const UPPER_I = 73;
export const UPPER_Z = 90;
export const OPEN_BRACKET = 91;
export const BACKSLASH = 92;
export const CLOSE_BRACKET = 93;
export const UNDERSCORE = 95;
export const LOWER_A = 97;
export const LOWER_B = 98;
export const LOWER_C = 99;
export const LOWER_D = 100;
export const LOWER_E = 101;
export const LOWER_F = 102;
export const LOWER_G = 103;
export const LOWER_L = 108;
export const LOWER_N = 110;
export const LOWER_O = 111;
export const LOWER_P = 112;
export const LOWER_R = 114;
export const LOWER_S = 115;
export const LOWER_T = 116;
export const LOWER_U = 117;
export const LOWER_X = 120;
export const LOWER_Z = 122;
/** Code units from here on are not ASCII (PostgreSQL treats them as identifier characters). */
export const NON_ASCII = 128;

/** Whether c is ASCII white space as PostgreSQL's scanner sees it: space, \t, \n, \v, \f, \r. */
export function isAsciiSpace(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= CARRIAGE_RETURN);
}

/** Whether c is an ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

/** Whether c is an ASCII letter once folded with `| 32` (l: the folded code). */
export function isLowerLetter(l: number): boolean {
  return l >= LOWER_A && l <= LOWER_Z;
}

/** Whether text[from, to) holds only ASCII white space. */
export function isOnlySpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isAsciiSpace(text.charCodeAt(i))) return false;
  return true;
}
