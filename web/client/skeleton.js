// What a display name looks like, for telling look-alike names apart (docs/formats.md, "Known
// keys"), exactly as the CLI's NameSkeleton: UTS #39's skeleton (NFD, each character mapped to
// its prototype in Unicode's confusables.txt, NFD again), after dropping default-ignorable code
// points and turning runs of white space into one space, with none at either end.

import { confusablesTable } from "./confusables.js";

let table = null;

/** confusables.txt as source code point → prototype string, read once from the generated table. */
function prototypes() {
  if (table) return table;
  table = new Map();
  for (const line of confusablesTable.split("\n")) {
    const fields = line.split(" ").filter(Boolean).map((h) => parseInt(h, 16));
    if (fields.length >= 2 && fields.every(Number.isInteger)) table.set(fields[0], String.fromCodePoint(...fields.slice(1)));
  }
  return table;
}

const SPACE = /^[\p{White_Space}\p{Zs}]$/u;
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

/** The skeleton of `name`, as a string. */
export function skeleton(name) {
  const map = prototypes();
  let out = "";
  let pendingSpace = false;
  for (const c of name.normalize("NFD")) {
    if (SPACE.test(c)) { pendingSpace = out.length > 0; continue; }
    if (IGNORABLE.test(c)) continue;
    if (pendingSpace) { out += " "; pendingSpace = false; }
    out += map.get(c.codePointAt(0)) ?? c;
  }
  return out.normalize("NFD");
}

/**
 * Whether two names look alike (the same skeleton) without being the same text; canonically
 * equivalent spellings are the same text, as Swift's string comparison has them.
 */
export const looksAlike = (a, b) => a.normalize("NFD") !== b.normalize("NFD") && skeleton(a) === skeleton(b);
