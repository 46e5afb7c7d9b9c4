// Opens the named queries in headless Chromium, follows the link to one, fills
// its form, submits it and reads the rows of the results table.
// Usage: node queries.cjs SITE_URL QUERY_TITLE PARAM VALUE EXPECTED_CELL SCREENSHOT.png
// Needs playwright-core (NODE_PATH) and Chromium (CHROMIUM, default /usr/bin/chromium).
const { launch } = require("./browser.cjs");

(async () => {
  const [site, title, param, value, expected, screenshot] = process.argv.slice(2);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${site}/queries`);
    await Promise.all([page.waitForNavigation(), page.click(`text=${title}`)]);
    await page.fill(`#param-${param}`, value);
    await Promise.all([page.waitForNavigation(), page.click("form.query button[type=submit]")]);
    if (!page.url().includes(`${param}=`)) throw new Error(`the form did not send ${param}: ${page.url()}`);
    // `serve` runs the query for the values asked: no static copy's notice.
    if (await page.isVisible("#static-values")) throw new Error(`the static copy's notice shows at ${page.url()}`);
    const rows = await page.$$eval("table.results tbody tr", (trs) => trs.map((tr) => tr.textContent));
    if (!rows.some((r) => r.includes(expected))) {
      throw new Error(`no row with "${expected}" at ${page.url()}: ${JSON.stringify(rows)}`);
    }
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`${title}: ${param}=${value} -> ${rows.length} rows at ${page.url()}`);
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
