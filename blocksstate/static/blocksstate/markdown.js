// A small, safe Markdown renderer for values that arrive over the socket
// (the server renders the first page with markdown-it; this keeps updates
// looking the same). All of the text is HTML-escaped first: the only markup
// that reaches the page is what this module writes itself.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const SAFE_URL = /^(?:https?:\/\/|mailto:)\S*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
// Placeholders for finished inline markup; NUL cannot come from the text (it is removed).
const SLOT = /\u0000(\d+)\u0000/g;
const HAS_SLOT = "\u0000";

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Inline markup of text that is already escaped: code, links, bold, italic.
function inline(escaped) {
  const slots = [];
  const keep = (html) => `\u0000${slots.push(html) - 1}\u0000`;
  let out = escaped.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, ticks, code) => keep(`<code>${code.trim()}</code>`));
  out = out.replace(/\[([^\]\n]+)\]\(\s*([^\s()]+)\s*\)/g, (match, label, url) => {
    if (!SAFE_URL.test(url)) return match;
    return keep(`<a href="${url}" rel="noopener noreferrer">${emphasis(label)}</a>`);
  });
  out = emphasis(out);
  // Slots may hold slots (a link around code): restore until none is left.
  while (out.includes(HAS_SLOT)) out = out.replace(SLOT, (_, index) => slots[Number(index)]);
  return out;
}

function emphasis(text) {
  return text
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, "$1<strong>$2</strong>")
    .replace(/\*(?=\S)([\s\S]*?\S)\*/g, "<em>$1</em>")
    .replace(/(^|[^\w])_(?=\S)([\s\S]*?\S)_(?!\w)/g, "$1<em>$2</em>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<s>$1</s>");
}

function list(lines, start) {
  const first = lines[start].match(ITEM);
  const ordered = /\d/.test(first[1]);
  const items = [];
  let i = start;
  while (i < lines.length) {
    const item = lines[i].match(ITEM);
    if (item && /\d/.test(item[1]) === ordered && !RULE.test(lines[i])) {
      items.push(item[2]);
    } else if (items.length && /^\s{2,}\S/.test(lines[i])) {
      items[items.length - 1] += `\n${lines[i].trim()}`;
    } else {
      break;
    }
    i += 1;
  }
  const tag = ordered ? "ol" : "ul";
  const number = ordered ? parseInt(first[1], 10) : 1;
  const startAttr = ordered && number !== 1 ? ` start="${number}"` : "";
  const body = items.map((text) => `<li>${inline(escapeHtml(text))}</li>`).join("");
  return { html: `<${tag}${startAttr}>${body}</${tag}>`, next: i };
}

// Return the HTML for a Markdown text: paragraphs, headings, lists, fenced
// code, quotes, rules, **bold**, *italic*, `code` and http(s)/mailto links.
export function renderMarkdown(source) {
  const lines = String(source ?? "").replace(/\u0000/g, "").replace(/\r\n?/g, "\n").split("\n");
  const html = [];
  let paragraph = [];
  const endParagraph = () => {
    if (paragraph.length) html.push(`<p>${inline(escapeHtml(paragraph.join("\n")))}</p>`);
    paragraph = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(FENCE);
    if (fence) {
      endParagraph();
      const marker = fence[1];
      const code = [];
      i += 1;
      while (i < lines.length && !(lines[i].trim().startsWith(marker) && lines[i].trim().replace(/[`~]/g, "") === "")) {
        code.push(lines[i]);
        i += 1;
      }
      i += 1;
      html.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    if (!line.trim()) {
      endParagraph();
      i += 1;
      continue;
    }
    const heading = line.match(HEADING);
    if (heading) {
      endParagraph();
      const level = heading[1].length;
      html.push(`<h${level}>${inline(escapeHtml(heading[2] || ""))}</h${level}>`);
      i += 1;
      continue;
    }
    if (RULE.test(line)) {
      endParagraph();
      html.push("<hr>");
      i += 1;
      continue;
    }
    if (ITEM.test(line)) {
      endParagraph();
      const block = list(lines, i);
      html.push(block.html);
      i = block.next;
      continue;
    }
    if (QUOTE.test(line)) {
      endParagraph();
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) {
        quoted.push(lines[i].match(QUOTE)[1]);
        i += 1;
      }
      html.push(`<blockquote>${renderMarkdown(quoted.join("\n"))}</blockquote>`);
      continue;
    }
    paragraph.push(line);
    i += 1;
  }
  endParagraph();
  return html.join("\n");
}
