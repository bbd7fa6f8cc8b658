/**
 * Lines and columns of offsets in a text: 1-based, columns in UTF-16 code
 * units, a line break belonging to the line it ends. One cursor serves both a
 * single look-up and a walk over many offsets in text order (reference lists,
 * stripped statements, tokens), counting each line break once.
 */
export class LineCursor {
  /** The line of the last offset moved to. */
  line = 1;
  /** Where that line starts. */
  lineStart = 0;
  private nextBreak: number;

  constructor(readonly text: string) {
    this.nextBreak = text.indexOf('\n');
  }

  /** Moves to offset (never before the last one) and returns its line. */
  moveTo(offset: number): number {
    const text = this.text;
    while (this.nextBreak !== -1 && this.nextBreak < offset) {
      this.line++;
      this.lineStart = this.nextBreak + 1;
      this.nextBreak = text.indexOf('\n', this.lineStart);
    }
    return this.line;
  }

  /** The column of offset on the current line. */
  columnOf(offset: number): number {
    return offset - this.lineStart + 1;
  }

  /** Where the current line ends (its line break, or the end of the text). */
  lineEnd(): number {
    return this.nextBreak === -1 ? this.text.length : this.nextBreak;
  }
}

/** Line (1-based) and column (1-based, in UTF-16 code units) of an offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const cursor = new LineCursor(text);
  const line = cursor.moveTo(offset);
  return { line, column: cursor.columnOf(offset) };
}
