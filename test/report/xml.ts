/**
 * A small XML well-formedness check for the generated SVG (no dependency): one root element, balanced
 * and properly nested tags, quoted attributes without duplicates, `<` never raw in text or attributes,
 * `&` only in entity references, nothing but whitespace, comments and processing instructions outside
 * the root.
 */
const NAME = "[A-Za-z_:][-A-Za-z0-9_.:]*";
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;

function checkText(s: string, where: string): void {
  if (s.includes("<")) throw new Error(`raw '<' in ${where}`);
  if (s.replace(ENTITY, "").includes("&")) throw new Error(`raw '&' in ${where}: ${s.slice(0, 60)}`);
}

export interface XmlSummary {
  root: string;
  /** Count of each element name. */
  counts: Record<string, number>;
}

export function checkWellFormed(xml: string): XmlSummary {
  const stack: string[] = [];
  const counts: Record<string, number> = {};
  let root: string | undefined;
  let closedRoot = false;
  let i = 0;
  const tagRe = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>`);
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    if (stack.length === 0 && text.trim() !== "")
      throw new Error(`text outside the root: ${text.slice(0, 40)}`);
    checkText(text, "text");
    if (lt < 0) break;
    const rest = xml.slice(lt);
    if (rest.startsWith("<?")) {
      const end = xml.indexOf("?>", lt);
      if (end < 0) throw new Error("unterminated processing instruction");
      i = end + 2;
      continue;
    }
    if (rest.startsWith("<!--")) {
      const end = xml.indexOf("-->", lt);
      if (end < 0) throw new Error("unterminated comment");
      i = end + 3;
      continue;
    }
    const m = tagRe.exec(rest);
    if (!m) throw new Error(`malformed tag at ${lt}: ${rest.slice(0, 60)}`);
    const [whole, close, name, attrText, selfClose] = m;
    if (close) {
      if (attrText.trim() !== "" || selfClose) throw new Error(`malformed end tag </${name}>`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      if (stack.length === 0) closedRoot = true;
    } else {
      if (closedRoot || (stack.length === 0 && root !== undefined))
        throw new Error(`second root element <${name}>`);
      root ??= name;
      counts[name] = (counts[name] ?? 0) + 1;
      const seen = new Set<string>();
      for (const a of attrText.matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "g"))) {
        if (seen.has(a[1])) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
        seen.add(a[1]);
        checkText(a[2] ?? a[3], `attribute ${a[1]} of <${name}>`);
      }
      if (!selfClose) stack.push(name);
      else if (stack.length === 0) closedRoot = true;
    }
    i = lt + whole.length;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]}>`);
  if (root === undefined) throw new Error("no root element");
  return { root, counts };
}

/** Elements with a given class attribute value. */
export function countClass(svg: string, cls: string): number {
  return [...svg.matchAll(new RegExp(`class="${cls}"`, "g"))].length;
}
