// Every page given, in headless Chromium at a desktop width (1280 px) and a
// phone's (375 px): a screenshot of the whole page, NAME-desktop.png and
// NAME-phone.png in OUT_DIR, and the first contentful paint, which must come
// within PAINT_MS (default 1000) of the request; at the phone's width the page
// must not scroll sideways. A page named missing… must answer 404, every other 200.
// Usage: node tour.cjs OUT_DIR NAME URL [NAME URL]...
// Needs playwright-core (NODE_PATH) and Chromium.
const { check } = require("./browser.cjs");
const path = require("path");

const WIDTHS = [
  ["desktop", { viewport: { width: 1280, height: 900 } }],
  ["phone", { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }],
];

check(async (browser) => {
  const [out, ...pairs] = process.argv.slice(2);
  const limit = Number(process.env.PAINT_MS || 1000);
  const problems = [];
  for (const [width, options] of WIDTHS) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    for (let i = 0; i < pairs.length; i += 2) {
      const [name, url] = [pairs[i], pairs[i + 1]];
      const response = await page.goto(url, { waitUntil: "load" });
      // Every page answers 200 but the one named for a missing page.
      const status = name.startsWith("missing") ? 404 : 200;
      if (response.status() !== status) problems.push(`${url}: status ${response.status()}, not ${status}`);
      const paint = await page.evaluate(() => new Promise((resolve) => {
        const found = () => performance.getEntriesByName("first-contentful-paint")[0];
        if (found()) return resolve(found().startTime);
        new PerformanceObserver(() => found() && resolve(found().startTime)).observe({ type: "paint", buffered: true });
        setTimeout(() => resolve(null), 5000);
      }));
      // A phone zooms out to fit a page wider than its screen: the page is
      // measured against its own layout width, not the window.
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await page.screenshot({ path: path.join(out, `${name}-${width}.png`), fullPage: true });
      console.log(`${name} (${width}): status ${response.status()}, first contentful paint ${paint === null ? "none" : paint.toFixed(0) + " ms"}${sideways > 0 ? `, ${sideways} px wider than the screen` : ""}`);
      if (paint === null || paint > limit) problems.push(`${url} (${width}): first contentful paint ${paint === null ? "never came" : `at ${paint.toFixed(0)} ms`}, over ${limit} ms`);
      if (width === "phone" && sideways > 0) problems.push(`${url}: at 375 px the page is ${sideways} px wider than the screen and scrolls sideways`);
    }
    await context.close();
  }
  return problems;
});
