// Parses Mermaid files with Mermaid's own parser under Node; exits 1 when one
// does not parse. Run it from a directory where `mermaid` and `jsdom` are
// installed (tests/graph.rs copies it there): Mermaid needs a DOM even to
// parse, and jsdom gives it one.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const mermaid = (await import('mermaid')).default;

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(readFileSync(file, 'utf8'));
    console.log(`ok ${file}`);
  } catch (error) {
    failed += 1;
    console.log(`FAILED ${file}: ${error.message ?? error}`);
  }
}
process.exit(failed ? 1 : 0);
