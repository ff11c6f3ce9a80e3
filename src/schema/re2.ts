/**
 * Checks that a `pattern` is accepted by the apiserver, which compiles it with Go's regexp (RE2 syntax). RE2
 * guarantees linear time, so it has no look-around, backreferences, atomic groups or possessive quantifiers;
 * JavaScript (and zod/TypeBox output) has them, and a CRD using them is rejected only when it is installed. We
 * report the construct and its offset when the schema is built instead.
 */

/** Why `pattern` is not RE2, or undefined when it is (as far as a scan of its syntax can tell). */
export function re2Problem(pattern: string): string | undefined {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const at = ` at offset ${i}`;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) return `trailing backslash${at}`;
      if (!inClass && next >= "1" && next <= "9") return `backreference \\${next}${at} (RE2 has none)`;
      if (next === "k" && pattern[i + 2] === "<") return `named backreference \\k<...>${at} (RE2 has none)`;
      if (next === "Z") return `\\Z${at} (RE2 has \\z)`;
      if (next === "Q") {
        // \Q...\E quotes literally in RE2: skip to \E.
        const end = pattern.indexOf("\\E", i + 2);
        i = end < 0 ? pattern.length : end + 1;
        continue;
      }
      // \p{Greek}, \x{263a}: skip the braces, which are not a repetition.
      const braced = (next === "p" || next === "P" || next === "x") && pattern[i + 2] === "{";
      i = braced ? Math.max(pattern.indexOf("}", i + 3), i + 1) : i + 1;
      continue;
    }
    if (inClass) {
      if (c === "[" && pattern[i + 1] === ":") {
        const end = pattern.indexOf(":]", i + 2);
        if (end > 0) i = end + 1;
      } else if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal.
      if (pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
      continue;
    }
    if (c === "(") {
      depth++;
      if (pattern[i + 1] === "?") {
        const rest = pattern.slice(i + 2);
        if (rest.startsWith("=") || rest.startsWith("!"))
          return `look-ahead (?${rest[0]}${at} (RE2 has none)`;
        if (rest.startsWith("<=") || rest.startsWith("<!")) {
          return `look-behind (?${rest.slice(0, 2)}${at} (RE2 has none)`;
        }
        if (rest.startsWith(">")) return `atomic group (?>${at} (RE2 has none)`;
        if (rest.startsWith("(")) return `conditional (?(${at} (RE2 has none)`;
        if (/^[R0-9+-]/.test(rest)) return `recursion (?${rest[0]}${at} (RE2 has none)`;
      }
      continue;
    }
    if (c === ")") {
      if (--depth < 0) return `unmatched ')'${at}`;
      continue;
    }
    if (c === "{") {
      // {n}, {n,}, {n,m} repeat; any other brace is a literal in RE2.
      const repeat = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (repeat) {
        i += repeat[0].length - 1;
        if (pattern[i + 1] === "+") return `possessive quantifier ${repeat[0]}+${at} (RE2 has none)`;
      }
      continue;
    }
    if ((c === "*" || c === "+" || c === "?") && pattern[i + 1] === "+") {
      return `possessive quantifier ${c}+${at} (RE2 has none)`;
    }
  }
  if (inClass) return "unterminated character class '['";
  if (depth > 0) return "missing ')'";
  return undefined;
}
