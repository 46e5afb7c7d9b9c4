// Opens concept pages in headless Chromium at desktop and phone widths and
// checks each neighbourhood diagram: every box and label inside the drawing,
// no box overlapping another, no label overlapping another; saves a
// screenshot of each. Usage: node diagram.cjs SCREENSHOT_PREFIX URL...
// Needs playwright-core (NODE_PATH) and Chromium (CHROMIUM, default /usr/bin/chromium).
const { launch } = require("./browser.cjs");

(async () => {
  const [prefix, ...urls] = process.argv.slice(2);
  const browser = await launch();
  try {
    for (const [width, name] of [[1200, "desktop"], [375, "phone"]]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      for (const [n, url] of urls.entries()) {
        await page.goto(url);
        const found = await page.$$eval("svg.diagram", (svgs) => svgs.map((svg) => {
          const frame = svg.getBoundingClientRect();
          const box = (e) => { const r = e.getBoundingClientRect(); return { l: r.left, t: r.top, r: r.right, b: r.bottom }; };
          return {
            frame: { l: frame.left, t: frame.top, r: frame.right, b: frame.bottom },
            rects: [...svg.querySelectorAll("rect")].map(box),
            texts: [...svg.querySelectorAll("text")].map((t) => ({ ...box(t), s: t.textContent })),
            links: svg.querySelectorAll("a[href]").length,
          };
        }));
        if (found.length !== 1) throw new Error(`${url}: ${found.length} diagrams`);
        const d = found[0];
        const inside = (b) => b.l >= d.frame.l - 0.5 && b.r <= d.frame.r + 0.5 && b.t >= d.frame.t - 0.5 && b.b <= d.frame.b + 0.5;
        const overlap = (a, b) => Math.min(a.r, b.r) - Math.max(a.l, b.l) > 0.5 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 0.5;
        for (const b of [...d.rects, ...d.texts]) {
          if (!inside(b)) throw new Error(`${url} at ${width}px: ${JSON.stringify(b)} leaves the drawing`);
        }
        for (const list of [d.rects, d.texts]) {
          for (let i = 0; i < list.length; i++) {
            for (let j = i + 1; j < list.length; j++) {
              if (overlap(list[i], list[j])) throw new Error(`${url} at ${width}px: ${JSON.stringify(list[i])} overlaps ${JSON.stringify(list[j])}`);
            }
          }
        }
        if (d.frame.r - d.frame.l > width) throw new Error(`${url}: the drawing is wider than the ${width}px window`);
        await page.locator("svg.diagram").screenshot({ path: `${prefix}-${n}-${name}.png` });
        console.log(`${url} at ${width}px: ${d.rects.length} boxes, ${d.texts.length} labels, ${d.links} links, none overlapping`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
