// A reader with only a keyboard, in headless Chromium:
// - on each page, Tab alone reaches every link, button, field and branch
//   toggle that is shown, each with a visible focus indicator, the first
//   being the link that skips to the content;
// - in the search box of the first page, typing shows suggestions, the arrow
//   keys move through them and back to the box, Escape closes them, and Enter
//   on one opens its concept;
// - on a page with a branch of the hierarchy closed, Enter on its toggle
//   opens it and the next Tab goes into it, and focus stays in the branch
//   when its list arrives after the reader has tabbed on.
// Usage: node keyboard.cjs QUERY EXPECTED_HEADING BRANCH_PAGE_URL PAGE_URL...
// Needs playwright-core (NODE_PATH) and Chromium.
const { check } = require("./browser.cjs");

// Marks every element a Tab should reach (shown and focusable), and returns
// how many there are and a description of each.
const FOCUSABLE = "a[href], summary, button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";

async function tabThrough(page, url) {
  const wanted = await page.$$eval(FOCUSABLE, (elements) => elements
    .filter((e) => !e.disabled && e.checkVisibility({ visibilityProperty: true }) && !e.closest("[inert]"))
    .map((e, i) => { e.dataset.wanted = String(i); return `${e.tagName.toLowerCase()} "${(e.textContent || e.getAttribute("aria-label") || e.name || "").trim().slice(0, 40)}"`; }));
  const reached = new Set();
  const problems = [];
  let first = null;
  for (let i = 0; i < wanted.length + 5; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const style = getComputedStyle(e);
      const visible = e.matches(":focus-visible") && (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== "none");
      return { wanted: e.dataset.wanted, visible, text: e.outerHTML.slice(0, 80), skip: e.classList.contains("skip") };
    });
    if (!focused) { if (reached.size) break; else continue; }
    if (first === null) {
      first = focused;
      if (!focused.skip) problems.push(`the first Tab goes to ${focused.text}, not to the link that skips to the content`);
    }
    if (!focused.visible) problems.push(`no visible focus on ${focused.text}`);
    if (focused.wanted !== undefined) {
      if (reached.has(focused.wanted)) break;
      reached.add(focused.wanted);
    }
  }
  const missed = wanted.filter((_, i) => !reached.has(String(i)));
  if (missed.length) problems.push(`Tab does not reach ${missed.length} of ${wanted.length}: ${missed.slice(0, 5).join(", ")}`);
  console.log(`${url}: Tab reaches ${reached.size} of ${wanted.length}`);
  return problems.map((p) => `${url}: ${p}`);
}

// Suggestions for what is in the box now, not those of a moment before.
async function shown(page) {
  await page.waitForFunction(() => {
    const list = document.getElementById("q-suggestions");
    return list && !list.hidden && list.querySelector("a");
  }, null, { timeout: 10000 });
}

async function search(page, url, query, expected) {
  await page.goto(url);
  const problems = [];
  const focused = () => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim()));
  let presses = 0;
  while (await focused() !== "q" && presses < 5) { await page.keyboard.press("Tab"); presses++; }
  if (await focused() !== "q") return [`${url}: the search box is not among the first ${presses} Tab stops`];
  await page.keyboard.type(query);
  await shown(page);
  const suggestions = await page.$$eval("#q-suggestions a", (links) => links.map((a) => a.textContent.trim()));
  await page.keyboard.press("ArrowDown");
  if (await focused() !== suggestions[0]) problems.push(`ArrowDown from the box goes to "${await focused()}", not the first suggestion`);
  if (suggestions.length > 1) {
    await page.keyboard.press("ArrowDown");
    if (await focused() !== suggestions[1]) problems.push(`ArrowDown again goes to "${await focused()}", not the second suggestion`);
    await page.keyboard.press("ArrowUp");
  }
  await page.keyboard.press("ArrowUp");
  if (await focused() !== "q") problems.push(`ArrowUp from the first suggestion goes to "${await focused()}", not the box`);
  await page.keyboard.press("Escape");
  if (await page.isVisible("#q-suggestions") || await page.getAttribute("#q", "aria-expanded") !== "false") problems.push("Escape leaves the suggestions open");
  // Escape may also empty a search box (Chromium's does): the query again.
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(query);
  await shown(page);
  const chosen = suggestions.find((s) => s.includes(expected));
  if (!chosen) return problems.concat([`${url}: no suggestion "${expected}" for "${query}": ${JSON.stringify(suggestions)}`]);
  for (let i = 0; i <= suggestions.indexOf(chosen); i++) await page.keyboard.press("ArrowDown");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const heading = (await page.textContent("h1")).trim();
  if (!heading.includes(expected)) problems.push(`Enter on "${chosen}" opens "${heading}"`);
  console.log(`${url}: "${query}" typed, ${suggestions.length} suggestions walked with the arrow keys, Enter opened "${heading}"`);
  return problems.map((p) => p.startsWith(url) ? p : `${url}: ${p}`);
}

async function branch(page, url) {
  await page.goto(url);
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement.matches("details[data-branch]:not([open]) > summary"))) break;
  }
  const toggle = await page.evaluateHandle(() => document.activeElement);
  if (!await toggle.evaluate((e) => e.matches("summary"))) return [`${url}: Tab reaches no closed branch`];
  await page.keyboard.press("Enter");
  // Filled from the branch's page: the list replaces the fallback link.
  await page.waitForFunction((t) => t.parentElement.open && t.parentElement.querySelector(":scope > ul.branches a[href]"), toggle, { timeout: 10000 });
  await page.keyboard.press("Tab");
  const inside = await page.evaluate((t) => t.parentElement.contains(document.activeElement) && document.activeElement.textContent.trim(), toggle);
  if (!inside) return [`${url}: after Enter on a branch's toggle, the next Tab does not go into the branch`];
  console.log(`${url}: Enter opened a branch; Tab went on to "${inside}"`);
  return await slowBranch(page, url);
}

// A branch whose page comes late: the reader has already tabbed onto the
// fallback link when the list replaces it, and must land in the list.
async function slowBranch(page, url) {
  await page.goto(url);
  const toggle = await page.evaluateHandle(() => document.querySelector("details[data-branch]:not([open]) > summary"));
  const href = await toggle.evaluate((t) => new URL(t.parentElement.dataset.branch, document.baseURI).href);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(href, async (route) => { await held; await route.continue(); });
  await toggle.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const onFallback = await page.evaluate((t) => t.parentElement.querySelector(":scope > p")?.contains(document.activeElement), toggle);
  release();
  await page.waitForFunction((t) => t.parentElement.querySelector(":scope > ul.branches a[href]") && !t.parentElement.hasAttribute("aria-busy"), toggle, { timeout: 10000 });
  await page.unroute(href);
  const landed = await page.evaluate((t) => t.parentElement.querySelector(":scope > ul.branches").contains(document.activeElement) && document.activeElement.textContent.trim(), toggle);
  if (!onFallback) return [`${url}: while a branch loads, Tab does not reach its fallback link`];
  if (!landed) return [`${url}: focus is lost when a loading branch replaces the link it was on`];
  console.log(`${url}: a branch filled late moved focus from its fallback link to "${landed}"`);
  return [];
}

check(async (browser) => {
  const [query, expected, branchPage, ...urls] = process.argv.slice(2);
  const problems = [];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const url of urls) {
    await page.goto(url);
    problems.push(...await tabThrough(page, url));
  }
  problems.push(...await search(page, urls[0], query, expected));
  problems.push(...await branch(page, branchPage));
  return problems;
});
