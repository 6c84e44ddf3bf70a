// Vite (and so vitest) loads `file?raw` as the file's text: lets tests read docs without node:fs,
// which src/protocol may not import.
declare module '*?raw' {
  const text: string;
  export default text;
}
