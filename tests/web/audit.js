() => {
  const lum = (c) => { const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const parse = (s) => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(",").map(Number); return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 }; };
  const bgOf = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c.rgb;
    }
    return [255, 255, 255];
  };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const t = walker.currentNode, el = t.parentElement;
    if (!el || seen.has(el) || !t.textContent.trim()) continue;
    seen.add(el);
    if (el.closest("svg, canvas, script, style, noscript, option, [hidden], details:not([open]) > :not(summary)")) continue;
    const cs = getComputedStyle(el), r = el.getBoundingClientRect();
    if (cs.visibility === "hidden" || cs.display === "none" || r.width === 0 || r.height === 0 || parseFloat(cs.opacity) < 0.1) continue;
    if (el.closest(".skip") && r.top < 0) continue;
    const fg = parse(cs.color); if (!fg) continue;
    const bg = bgOf(el), l1 = lum(fg.rgb), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(`contrast ${ratio.toFixed(2)} < ${need}: "${t.textContent.trim().slice(0, 40)}" (${cs.color} on rgb(${bg}))`);
  }
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.title;
    if (!named) bad.push(`no label: ${el.outerHTML.slice(0, 80)}`);
  }
  for (const el of document.querySelectorAll("a, button")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && !el.classList.contains("skip")) continue;
    if (!(el.textContent.trim() || el.getAttribute("aria-label") || el.title)) bad.push(`no name: ${el.outerHTML.slice(0, 80)}`);
  }
  const ids = {};
  for (const el of document.querySelectorAll("[id]")) { if (ids[el.id]) bad.push(`duplicate id ${el.id}`); ids[el.id] = 1; }
  if (!document.querySelector("footer.disclaimer") || !/Not a diagnosis/.test(document.querySelector("footer.disclaimer").textContent)) bad.push("no disclaimer");
  if (document.documentElement.scrollWidth > window.innerWidth) bad.push(`sideways scroll ${document.documentElement.scrollWidth}`);
  return bad;
}
