// monaco-editor ships types for its main entry only; the core editor entry
// (no bundled languages) has the same API.
declare module 'monaco-editor/esm/vs/editor/edcore.main.js' {
  export * from 'monaco-editor';
}
