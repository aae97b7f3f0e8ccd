/**
 * Keyword matching that forgives case and accents ("Perché" matches
 * "perche") and respects word edges for alphabetic scripts ("cost" does not
 * match "costume"), while scripts without spaces (Chinese) match anywhere.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ');
}

/**
 * The last text normalized for matching, kept: a text is matched against every intent of a workspace in a row
 * (triggers, the reports' intent counts), and normalizing it each time cost more than the matching.
 */
let lastText: string | null = null;
let lastNormalized = '';

function normalizedForMatching(text: string): string {
  if (text !== lastText) {
    lastNormalized = normalizeText(text);
    lastText = text;
  }
  return lastNormalized;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface CompiledKeywords {
  /** The keywords' normalized texts: a keyword can only match where its needle occurs. */
  needles: string[];
  /** The exact test (word edges, any run of spaces); null when there are no keywords. */
  pattern: RegExp | null;
}

function compileKeywords(keywords: readonly string[]): CompiledKeywords {
  const needles = keywords.map((k) => normalizeText(k).trim()).filter((k) => k.length > 0);
  const alternatives = needles.map((k) => {
    const body = escapeRegex(k).replace(/ /g, '\\s+');
    // Word edges only where the keyword starts or ends with a letter or digit of a spaced script.
    const start = /^[\p{L}\p{N}]/u.test(k) && !/^\p{Script=Han}/u.test(k) ? '(?<![\\p{L}\\p{N}])' : '';
    const end = /[\p{L}\p{N}]$/u.test(k) && !/\p{Script=Han}$/u.test(k) ? '(?![\\p{L}\\p{N}])' : '';
    return `${start}${body}${end}`;
  });
  return { needles, pattern: alternatives.length === 0 ? null : new RegExp(alternatives.join('|'), 'u') };
}

/** A predicate telling whether a text contains any of the keywords. */
export function keywordMatcher(keywords: readonly string[]): (text: string) => boolean {
  const { needles, pattern } = compileKeywords(keywords);
  if (pattern === null) return () => false;
  // A keyword can only match where its normalized text occurs (normalizing leaves single spaces, which is what
  // the pattern's \s+ then meets), so most texts are answered by a substring search without the Unicode pattern.
  return (text) => {
    const normalized = normalizedForMatching(text);
    return needles.some((needle) => normalized.includes(needle)) && pattern.test(normalized);
  };
}

/**
 * Which of several keyword sets a text matches, each as keywordMatcher(set)
 * would answer, in one pass over the text: an Aho-Corasick automaton over the
 * needles of every set finds which needles occur, and only the sets owning one
 * of them run their exact pattern (most texts run none). Returns the names in
 * the order of `sets`. The reports count every intent of every customer
 * message; asking each intent's matcher in turn searched the text once per
 * needle of every intent.
 */
export function keywordSetsMatcher(sets: Readonly<Record<string, readonly string[]>>): (text: string) => string[] {
  const names = Object.keys(sets);
  const patterns = names.map((name) => compileKeywords(sets[name] ?? []));
  // The automaton: goto edges by UTF-16 code unit, failure links, and per state the sets whose needle ends there.
  const edges: Map<number, number>[] = [new Map()];
  const owners: Set<number>[] = [new Set()];
  patterns.forEach(({ needles }, set) => {
    for (const needle of needles) {
      let state = 0;
      for (let i = 0; i < needle.length; i += 1) {
        const unit = needle.charCodeAt(i);
        let next = edges[state]?.get(unit);
        if (next === undefined) {
          next = edges.length;
          edges.push(new Map());
          owners.push(new Set());
          edges[state]?.set(unit, next);
        }
        state = next;
      }
      owners[state]?.add(set);
    }
  });
  const fail = new Array<number>(edges.length).fill(0);
  const queue: number[] = [...(edges[0]?.values() ?? [])];
  for (let head = 0; head < queue.length; head += 1) {
    const state = queue[head] ?? 0;
    for (const [unit, next] of edges[state] ?? []) {
      let f = fail[state] ?? 0;
      while (f !== 0 && !edges[f]?.has(unit)) f = fail[f] ?? 0;
      const target = edges[f]?.get(unit);
      fail[next] = target !== undefined && target !== next ? target : 0;
      // A state's needles include those of its failure state (a shorter needle ending at the same place).
      for (const set of owners[fail[next] ?? 0] ?? []) owners[next]?.add(set);
      queue.push(next);
    }
  }
  const ownersOf = owners.map((o) => [...o]);
  return (text) => {
    const normalized = normalizedForMatching(text);
    const candidates = new Set<number>();
    let state = 0;
    for (let i = 0; i < normalized.length; i += 1) {
      const unit = normalized.charCodeAt(i);
      let next = edges[state]?.get(unit);
      while (next === undefined && state !== 0) {
        state = fail[state] ?? 0;
        next = edges[state]?.get(unit);
      }
      state = next ?? 0;
      for (const set of ownersOf[state] ?? []) candidates.add(set);
    }
    if (candidates.size === 0) return [];
    return [...candidates].sort((a, b) => a - b).flatMap((set) => (patterns[set]?.pattern?.test(normalized) ? [names[set] ?? ''] : []));
  };
}
