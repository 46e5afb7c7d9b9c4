// Runs axe-core on pages in headless Chromium, with the pages' own script and
// without it (the script blocked, as for a reader who turned JavaScript
// off), and fails naming each violation's rule and elements.
// Usage: node axe.cjs URL...
// Needs playwright-core and axe-core (NODE_PATH) and Chromium (CHROMIUM, default /usr/bin/chromium).
const { check } = require("./browser.cjs");
const axe = require.resolve("axe-core/axe.min.js");

check(async (browser) => {
  const urls = process.argv.slice(2);
  const problems = [];
  for (const script of [true, false]) {
    const context = await browser.newContext();
    if (!script) await context.route(/\/assets\/autocomplete\.js$/, (route) => route.abort());
    const page = await context.newPage();
    for (const url of urls) {
      await page.goto(url);
      await page.addScriptTag({ path: axe });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of result.violations) {
        problems.push(`${url} (${script ? "with" : "without"} JavaScript): ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n    ")}`);
      }
      console.log(`${url} (${script ? "with" : "without"} JavaScript): ${result.violations.length} violation(s), ${result.passes.length} rule(s) passed`);
    }
    await context.close();
  }
  return problems;
});
