// Types into the search box of a glossgraph page in headless Chromium and checks
// the autocomplete suggestions; then follows the first one with the keyboard.
// Usage: node autocomplete.cjs PAGE_URL QUERY EXPECTED_SUGGESTION SCREENSHOT.png
// Needs playwright-core (NODE_PATH) and Chromium (CHROMIUM, default /usr/bin/chromium).
const { launch } = require("./browser.cjs");

(async () => {
  const [url, query, expected, screenshot] = process.argv.slice(2);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill("#q", query);
    await page.waitForSelector("#q-suggestions a", { timeout: 10000 });
    const suggestions = await page.$$eval("#q-suggestions a", (links) => links.map((a) => a.textContent));
    if (!suggestions.some((s) => s.includes(expected))) {
      throw new Error(`no suggestion "${expected}" for "${query}": ${JSON.stringify(suggestions)}`);
    }
    if (await page.getAttribute("#q", "aria-expanded") !== "true") throw new Error("the box does not say it is expanded");
    await page.screenshot({ path: screenshot });
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    const heading = await page.textContent("h1");
    console.log(`${query} -> ${suggestions.length} suggestions; followed the first to "${heading}"`);
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
