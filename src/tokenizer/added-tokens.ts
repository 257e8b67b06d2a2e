/**
 * @module Splits text on added tokens (`<|im_start|>`, `<think>`, …) exactly as the reference encoder does: scanning
 * left to right, at each position the longest added token that starts there wins, and the text between is encoded
 * normally. Added tokens are split out of any text, a user message included — as Hugging Face and vLLM do.
 */

interface TrieNode {
  id: number;
  readonly children: Map<number, TrieNode>;
}

export interface AddedTokenSplitter {
  /** Calls `plain(from, to)` for each stretch of ordinary text and `added(id)` for each added token, in order. */
  split(text: string, plain: (from: number, to: number) => void, added: (id: number) => void): void;
}

/** `tokens`: content → id. Content is matched by UTF-16 code units, as the reference's trie does. */
export function createAddedTokenSplitter(tokens: ReadonlyMap<string, number>): AddedTokenSplitter {
  const root: TrieNode = { id: -1, children: new Map() };
  // First code units that can start a token: a table, so the scan over ordinary text is one load per character.
  const starts = new Uint8Array(65536);
  for (const [content, id] of tokens) {
    if (content.length === 0) continue;
    starts[content.charCodeAt(0)] = 1;
    let node = root;
    for (let i = 0; i < content.length; i++) {
      const c = content.charCodeAt(i);
      let child = node.children.get(c);
      if (!child) {
        child = { id: -1, children: new Map() };
        node.children.set(c, child);
      }
      node = child;
    }
    node.id = id;
  }

  return {
    split(text, plain, added) {
      const n = text.length;
      let start = 0;
      let i = 0;
      while (i < n) {
        if (starts[text.charCodeAt(i)] === 0) {
          i++;
          continue;
        }
        let node: TrieNode | undefined = root;
        let matchId = -1;
        let matchEnd = -1;
        for (let j = i; j < n; j++) {
          node = node.children.get(text.charCodeAt(j));
          if (!node) break;
          if (node.id >= 0) {
            matchId = node.id;
            matchEnd = j + 1;
          }
        }
        if (matchId < 0) {
          i++;
          continue;
        }
        if (i > start) plain(start, i);
        added(matchId);
        i = matchEnd;
        start = i;
      }
      if (start < n) plain(start, n);
    },
  };
}
