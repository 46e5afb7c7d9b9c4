// Opens the first branch of a page's hierarchy in headless Chromium and
// waits for its narrower concepts to be fetched into it; then opens the
// first branch among those. Usage: node branch.cjs URL SCREENSHOT.png
// Needs playwright-core (NODE_PATH) and Chromium (CHROMIUM, default /usr/bin/chromium).
const { launch } = require("./browser.cjs");

(async () => {
  const [url, screenshot] = process.argv.slice(2);
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    const first = page.locator("details[data-branch]").first();
    await first.locator(":scope > summary").click();
    await first.locator(":scope > ul.branches > li").first().waitFor({ timeout: 10000 });
    const children = await first.locator(":scope > ul.branches > li").count();
    // A branch of the fetched list opens the same way, its links resolved.
    const inner = first.locator("ul.branches details[data-branch]").first();
    let grandchildren = 0;
    if (await inner.count()) {
      await inner.locator(":scope > summary").click();
      await inner.locator(":scope > ul.branches > li").first().waitFor({ timeout: 10000 });
      grandchildren = await inner.locator(":scope > ul.branches > li").count();
    }
    const href = await first.locator(":scope > ul.branches a").first().getAttribute("href");
    if (!href || !/\/(concept\/|resource\?iri=)/.test(href)) throw new Error(`a fetched link leads to ${href}`);
    await page.screenshot({ path: screenshot, fullPage: false });
    console.log(`opened a branch: ${children} narrower concepts, then ${grandchildren} under the first of them`);
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
