/**
 * @module Tells code from prose in bounded text: which language family a completion prompt's tail is written in, and
 * whether a chat message asks for code (and in which language). Runs on every completions and chat request, so it only
 * reads a few KB (callers pass windows) with a handful of anchored regular expressions and no per-call tables.
 */

export type CodeLang = 'python' | 'js' | 'c';

/** Signals per family: [pattern, weight]. A weight of 3 is a marker prose almost never contains (a line `def f(`). */
const SIGNALS: Readonly<Record<CodeLang, readonly (readonly [RegExp, number])[]>> = {
  python: [
    [/(?:^|\n)[ \t]*(?:async[ \t]+)?def(?:[ \t]+[A-Za-z_]\w*[ \t]*\(|[ \t]*$)/, 3],
    [/(?:^|\n)[ \t]*class[ \t]+[A-Za-z_]\w*[ \t]*(?:\([^)\n]*\))?[ \t]*:/, 3],
    [/(?:^|\n)[ \t]*(?:from[ \t]+[\w.]+[ \t]+import|import[ \t]+[\w.]+[ \t]*(?:\n|$))/, 3],
    [/(?:^|\n)[ \t]*(?:if|elif|for|while|with|try|except)\b[^\n]*:[ \t]*(?:\n|$)/, 2],
    [/\bself\.\w/, 2],
    [/\b(?:None|True|False|elif|print\()/, 1],
  ],
  js: [
    [/(?:^|\n)[ \t]*(?:export[ \t]+)?(?:async[ \t]+)?function\b[ \t]*\*?[ \t]*(?:[A-Za-z_$][\w$]*[ \t]*)?(?:\(|$)/, 3],
    [/(?:^|\n)[ \t]*(?:const|let|var)[ \t]+[A-Za-z_$][\w$]*[ \t]*(?::[^=\n]+)?=/, 3],
    [/=>|===|!==|console\.\w+\(/, 2],
    [/(?:^|\n)[ \t]*(?:import[ \t][^\n]*from[ \t]*['"]|export[ \t]+(?:default|const|class|interface|type)\b)|require\(['"]/, 3],
    [/(?:^|\n)[ \t]*(?:interface|type)[ \t]+[A-Z]\w*[ \t]*[={]|:[ \t]*(?:string|number|boolean)\b/, 2],
  ],
  c: [
    [/(?:^|\n)[ \t]*#[ \t]*(?:include|define|ifndef|pragma)\b/, 3],
    [
      /(?:^|\n)[ \t]*(?:static[ \t]+|const[ \t]+|unsigned[ \t]+|public[ \t]+|private[ \t]+)*(?:void|int|char|float|double|long|bool|size_t|auto|String)[ \t*&]+[A-Za-z_]\w*[ \t]*(?:\(|=|;|\[)/,
      3,
    ],
    [/\b(?:printf|malloc|sizeof|std::|System\.out|nullptr)\b|->/, 2],
    [/;[ \t]*(?:\n|$)/, 1],
  ],
};

const LANGS: readonly CodeLang[] = ['python', 'js', 'c'];

/**
 * The family `text` is written in when it reads as code, else null: a marker of weight 3, or several weaker signals
 * (score 5). Weak signals alone (`->`, a line ending in `;`) turn up in random-token prompts (`vllm bench` random).
 */
export function detectCodeLang(text: string): CodeLang | null {
  let best: CodeLang | null = null;
  let bestScore = 2;
  for (const lang of LANGS) {
    let score = 0;
    let strong = false;
    for (const [re, w] of SIGNALS[lang]) {
      if (!re.test(text)) continue;
      score += w;
      strong ||= w === 3;
    }
    if ((strong || score >= 5) && score > bestScore) {
      best = lang;
      bestScore = score;
    }
  }
  return best;
}

/** What a chat message asks for when it asks for code. */
export interface CodeAsk {
  readonly lang: CodeLang;
  /** The markdown fence tag to answer with (`python`, `typescript`, `cpp`, ...). */
  readonly tag: string;
  /** The code block the message brought, when it brought one (a window of it). */
  readonly code: string | null;
  /** Words naming what to write (`reverse`, `string`): the answer's function name is made of them. */
  readonly topic: readonly string[];
}

const FENCE = /```[ \t]*([A-Za-z+#]*)[^\n]*\n([\s\S]*?)(?:```|$)/;
const ASKS_CODE = /\b(?:code|function|script|program|snippet|implement\w*|class|method|algorithm|regex|refactor|debug|compile|snippet)\b/i;
const ASK_VERB = /\b(?:write|implement|create|show|give|make|fix|refactor|complete|generate|build|code|convert|translate|how (?:do|can|would) (?:i|you))\b/i;
const NAMED: readonly (readonly [RegExp, CodeLang, string])[] = [
  [/\btypescript\b|\bts\b/i, 'js', 'typescript'],
  [/\bjavascript\b|\bnode(?:\.?js)?\b|\breact\b|\bjs\b/i, 'js', 'javascript'],
  [/\bpython\b|\bdjango\b|\bpandas\b/i, 'python', 'python'],
  [/\bc\+\+|\bcpp\b/i, 'c', 'cpp'],
  [/\bc#|\bcsharp\b/i, 'c', 'csharp'],
  [/\bjava\b/i, 'c', 'java'],
  [/\brust\b/i, 'c', 'rust'],
  [/\bgolang\b|\bin go\b/i, 'c', 'go'],
  [/\bin c\b|\bc (?:function|program|code)\b|\bansi c\b/i, 'c', 'c'],
];
const TAGS: Readonly<Record<string, readonly [CodeLang, string]>> = {
  py: ['python', 'python'],
  python: ['python', 'python'],
  js: ['js', 'javascript'],
  javascript: ['js', 'javascript'],
  jsx: ['js', 'javascript'],
  ts: ['js', 'typescript'],
  typescript: ['js', 'typescript'],
  tsx: ['js', 'typescript'],
  c: ['c', 'c'],
  h: ['c', 'c'],
  cpp: ['c', 'cpp'],
  'c++': ['c', 'cpp'],
  cc: ['c', 'cpp'],
  java: ['c', 'java'],
  cs: ['c', 'csharp'],
  csharp: ['c', 'csharp'],
  go: ['c', 'go'],
  rust: ['c', 'rust'],
  rs: ['c', 'rust'],
};
const DEFAULT_TAG: Readonly<Record<CodeLang, string>> = { python: 'python', js: 'javascript', c: 'c' };
const STOP_WORDS = new Set(
  (
    'a an the that this these those which what who how do does can could would should will please me my i ' +
    'you your we our it its is are be to of in on for with from by and or as at into using use write ' +
    'implement create show give make fix generate build code function script program snippet method class ' +
    'algorithm simple small short quick basic example some any takes take returns return given list ' +
    'called named so then also just like language version need want help'
  ).split(' '),
);

/**
 * The code a chat message asks for: it brings a fenced block, or asks to write/fix code (a verb and a code noun, or a
 * language name and a verb). Null for anything else. Reads at most the first and last 2 KB of the message.
 */
export function detectCodeAsk(message: string): CodeAsk | null {
  const text = message.length <= 4096 ? message : `${message.slice(0, 2048)}\n${message.slice(-2048)}`;
  const fenced = text.includes('```');
  // Most chat messages ask for no code: one scan for a verb settles them.
  if (!fenced && !ASK_VERB.test(text)) return null;
  const fence = fenced ? FENCE.exec(text) : null;
  let named: readonly [CodeLang, string] | null = null;
  for (const [re, lang, tag] of NAMED) {
    if (re.test(text)) {
      named = [lang, tag];
      break;
    }
  }
  const asks = ASK_VERB.test(text) && (ASKS_CODE.test(text) || named !== null);
  if (!fence && !asks) return null;
  const code = fence ? (fence[2] as string).slice(0, 2048) : null;
  const tagged = fence ? TAGS[(fence[1] as string).toLowerCase()] : undefined;
  const lang = tagged?.[0] ?? named?.[0] ?? (code !== null ? detectCodeLang(code) : null) ?? 'python';
  const tag = tagged?.[1] ?? (named && named[0] === lang ? named[1] : DEFAULT_TAG[lang]);
  return { lang, tag, code, topic: topicWords(fence ? text.slice(0, fence.index) : text) };
}

/** Up to three content words of the request, in order (`reverses a string` → `reverse`, `string`). */
function topicWords(text: string): string[] {
  const out: string[] = [];
  const re = /[A-Za-z][a-z]{2,15}\b/g;
  const head = text.slice(0, 400);
  for (let m = re.exec(head); m !== null && out.length < 3; m = re.exec(head)) {
    let w = m[0].toLowerCase();
    if (STOP_WORDS.has(w) || NAMED_WORDS.has(w)) continue;
    // The first word is usually a verb in the third person (`reverses`, `sorts`): its base form names a function.
    if (out.length === 0 && w.length > 4 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
    if (!out.includes(w)) out.push(w);
  }
  return out;
}

const NAMED_WORDS = new Set(['python', 'javascript', 'typescript', 'java', 'rust', 'golang', 'node', 'react', 'cpp', 'csharp', 'django', 'pandas']);
