// Mermaid diagrams inside the app's security settings.
//
// * freezePrototype: the app freezes Object.prototype, and Mermaid's
//   dependencies (dayjs, d3-color…) assign `valueOf`/`toString` on their
//   prototypes, which then throws. Mermaid therefore runs in a realm of its
//   own: a hidden same-origin <iframe> (no src, so nothing is navigated to),
//   whose built-ins are its own and not frozen. Its single-file build is an
//   asset loaded there on first use, so first paint never pays for it.
// * CSP `style-src 'self'`: Mermaid's SVG carries a <style> element and
//   style="" attributes, which are blocked. The CSSOM is not: the rules go
//   into adopted stylesheets and the attributes become style properties.
import type { Mermaid } from "mermaid";
import mermaidUrl from "mermaid/dist/mermaid.min.js?url";

import type { Theme } from "../../lib/bindings/Theme";

type Realm = { win: Window & typeof globalThis & { mermaid: Mermaid }; doc: Document };

let realm: Promise<Realm> | null = null;
const sheets = new Map<Document, CSSStyleSheet>();

function load(): Promise<Realm> {
  realm ??= new Promise<Realm>((resolve, reject) => {
    const frame = document.createElement("iframe");
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    // Laid out (Mermaid measures text) but off screen.
    for (const [k, v] of Object.entries({
      position: "fixed",
      left: "-10000px",
      top: "0",
      width: "1600px",
      height: "1200px",
      border: "0",
      visibility: "hidden",
    }))
      frame.style.setProperty(k, v);
    document.body.append(frame);
    const win = frame.contentWindow as Realm["win"] | null;
    const doc = frame.contentDocument;
    if (!win || !doc) {
      reject(new Error("no frame to run Mermaid in"));
      return;
    }
    const script = doc.createElement("script");
    script.src = new URL(mermaidUrl, window.location.href).href;
    script.onload = () => resolve({ win, doc });
    script.onerror = () => reject(new Error("Mermaid could not be loaded"));
    doc.head.append(script);
  }).catch((e: unknown) => {
    realm = null;
    throw e;
  });
  return realm;
}

/** Moves an SVG's <style> rules into `doc`'s adopted stylesheet; returns the SVG without them. */
function adoptStyles(doc: Document, make: () => CSSStyleSheet, svg: string): string {
  const css = [...svg.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join("\n");
  let sheet = sheets.get(doc);
  if (!sheet) {
    sheet = make();
    sheets.set(doc, sheet);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  }
  sheet.replaceSync(css);
  return svg.replace(/<style[^>]*>[\s\S]*?<\/style>/g, "");
}

/** Sets every style="" attribute of `root` through the CSSOM instead. */
function inlineStyles(root: Element): void {
  for (const el of [root, ...root.querySelectorAll("[style]")]) {
    const text = el.getAttribute("style");
    if (text === null) continue;
    el.removeAttribute("style");
    const style = (el as SVGElement | HTMLElement).style;
    for (const decl of text.split(";")) {
      const i = decl.indexOf(":");
      if (i < 0) continue;
      const value = decl.slice(i + 1).trim();
      const important = /!important$/.test(value);
      style.setProperty(
        decl.slice(0, i).trim(),
        value.replace(/\s*!important$/, ""),
        important ? "important" : "",
      );
    }
  }
}

/**
 * Renders `source` into `target`. Throws when Mermaid cannot load, parse or
 * draw it (the caller shows the source instead).
 */
export async function renderMermaid(
  target: HTMLElement,
  id: string,
  source: string,
  theme: Theme,
): Promise<void> {
  const { win, doc } = await load();
  const m = win.mermaid;
  m.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: theme === "dark" ? "dark" : "neutral",
    er: { useMaxWidth: false },
  });
  // Mermaid measures text as it draws, with its rules applied: the first
  // pass yields the rules, the second measures with them adopted.
  const frameSheet = () => new win.CSSStyleSheet();
  adoptStyles(doc, frameSheet, (await m.render(id, source)).svg);
  const drawn = (await m.render(id, source)).svg;
  const svg = adoptStyles(document, () => new CSSStyleSheet(), drawn);
  // Parsed as HTML, as Mermaid serialised it (labels may be HTML inside
  // <foreignObject>); a parsed document is inert, so nothing is blocked yet.
  const root = new DOMParser().parseFromString(svg, "text/html").body.querySelector("svg");
  if (!root) throw new Error("Mermaid returned no SVG");
  const node = document.importNode(root, true);
  inlineStyles(node);
  target.replaceChildren(node);
}
