// The search box of a static copy of the site, in headless Chromium, with no
// glossgraph running: /api/search answers 404, so suggestions come from the
// static search index. Finds a concept by a prefix and by a typo, follows a
// suggestion with the keyboard, and reads the results page for ?q=. A query
// page asked for other values than it holds says so; asked for its own, not.
// Usage: node static_search.cjs SITE_URL SCREENSHOT_DIR
// Needs playwright-core (NODE_PATH) and Chromium (CHROMIUM, default /usr/bin/chromium).
const { launch } = require("./browser.cjs");
const path = require("path");

(async () => {
  const [site, shots] = process.argv.slice(2);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const fetched = [];
    page.on("response", (r) => fetched.push(`${r.status()} ${new URL(r.url()).pathname}`));
    await page.goto(`${site}/`);
    for (const [query, concept, label, name] of [
      ["offi", "/concept/eu-ai-office", "EU AI Office", "prefix"],
      ["comission", "/concept/european-commission", "European Commission", "typo"],
      ["market survelance", "/concept/market-surveillance-authority", "market surveillance authority", "typo-in-second-word"],
    ]) {
      await page.fill("#q", "");
      await page.fill("#q", query);
      const selector = `#q-suggestions a[href$="${concept}"]`;
      await page.waitForSelector(selector, { timeout: 10000 }).catch(async () => {
        const shown = await page.$$eval("#q-suggestions a", (links) => links.map((a) => a.href));
        throw new Error(`no suggestion linking to ${concept} for "${query}": ${JSON.stringify(shown)}`);
      });
      const text = await page.textContent(selector);
      if (!text.includes(label)) throw new Error(`"${query}": the link to ${concept} reads "${text}"`);
      await page.screenshot({ path: path.join(shots, `static-search-${name}.png`) });
      console.log(`${query} -> ${concept} ("${text}")`);
    }
    if (!fetched.some((f) => f.startsWith("404 ") && f.endsWith("/api/search"))) {
      throw new Error(`the box never asked /api/search: ${fetched.join(", ")}`);
    }
    const shards = fetched.filter((f) => f.includes("/search-index/"));
    console.log(`fetched ${shards.length} shards: ${shards.join(", ")}`);
    // The keyboard as on `serve`: down to the first suggestion, Enter follows it.
    await page.fill("#q", "");
    await page.fill("#q", "offi");
    await page.waitForSelector("#q-suggestions a");
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    const heading = await page.textContent("h1");
    if (heading.trim() !== "EU AI Office") throw new Error(`the first suggestion led to "${heading}"`);
    // The results page: the host sends the page without results; the index fills it.
    await page.goto(`${site}/search?q=comission`);
    await page.waitForSelector('#search-results a[href$="/concept/european-commission"]', { timeout: 10000 });
    const status = await page.textContent("#search-status");
    if (!status.includes("comission")) throw new Error(`the results page says "${status}"`);
    if (await page.inputValue("#q") !== "comission") throw new Error("the search box does not show the search");
    await page.screenshot({ path: path.join(shots, "static-search-results.png") });
    console.log(`results page: ${status}`);
    await page.goto(`${site}/queries/works-with?concept=concept%2Feuropean-commission`);
    await page.waitForSelector("#static-values", { state: "visible", timeout: 10000 });
    await page.screenshot({ path: path.join(shots, "static-query-other-values.png") });
    await page.goto(`${site}/queries/works-with?concept=concept%2Feu-ai-office`);
    if (await page.isVisible("#static-values")) throw new Error("a query page asked for its own values says they are not its own");
    console.log("query page: other values noticed, its own not");
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
