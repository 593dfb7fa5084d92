/**
 * Mermaid's own parser (the `mermaid` package, the grammar mermaid.live renders with), run in
 * Node. Mermaid sanitises labels with DOMPurify, which needs a DOM: jsdom gives it one. Nothing
 * is rendered — only parsed, which is what decides whether Mermaid accepts a text.
 */
import { JSDOM } from 'jsdom';

type Mermaid = { parse(text: string): Promise<{ diagramType: string } | false> };
let loaded: Promise<Mermaid> | undefined;

function load(): Promise<Mermaid> {
  if (loaded === undefined) {
    const { window } = new JSDOM('');
    Object.assign(globalThis, { window, document: window.document });
    loaded = import('mermaid').then((m) => m.default as unknown as Mermaid);
  }
  return loaded;
}

/** The diagram type Mermaid parsed `text` as; rejects with Mermaid's parse error. */
export async function parseMermaid(text: string): Promise<string> {
  const r = await (await load()).parse(text);
  if (r === false) throw new Error('Mermaid refused the text');
  return r.diagramType;
}
