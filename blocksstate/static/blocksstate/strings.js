// The texts the page shows a visitor, in the language the page was rendered in: the page
// config's `strings` (blocksstate/rendering/strings.py builds them with gettext). No text
// for visitors is written in the scripts: they ask for it here, by key.
//
// t("refused", {code: 4500}) fills the %(code)s placeholders; an entry given as
// {one, other} is a plural, picked for params.count by the language's plural rules.

const catalogue = new Map();
let language = document.documentElement.lang || "en";
let plurals = null;

// Take the texts of a page config (every app of a page is rendered in the same language).
export function setStrings(strings, lang) {
  for (const [key, text] of Object.entries(strings ?? {})) catalogue.set(key, text);
  if (lang && lang !== language) {
    language = lang;
    plurals = null;
  }
}

export function pageLanguage() {
  return language;
}

function pluralRules() {
  if (!plurals) {
    try {
      plurals = new Intl.PluralRules(language);
    } catch {
      plurals = new Intl.PluralRules();
    }
  }
  return plurals;
}

// The text of `key` with its placeholders filled; the key itself if the config has none.
export function t(key, params = {}) {
  let text = catalogue.get(key);
  if (text && typeof text === "object") text = pluralRules().select(Number(params.count)) === "one" ? text.one : text.other;
  if (typeof text !== "string") return key;
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// A fraction (0 to 1) as a percentage with `digits` decimals, as the page's language writes one.
export function percent(fraction, digits = 0) {
  try {
    const options = { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits };
    return new Intl.NumberFormat(language, options).format(fraction);
  } catch {
    return `${(fraction * 100).toFixed(digits)}%`;
  }
}
