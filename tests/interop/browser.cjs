// Headless Chromium as every browser test here launches it: the installed
// Chromium (CHROMIUM, default /usr/bin/chromium), with nothing that reaches
// beyond loopback. Needs playwright-core (NODE_PATH).
const { chromium } = require("playwright-core");

exports.launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// Runs `check(browser)`, which returns what it found wrong: each problem is
// printed and the script exits 1 if there is any, or if `check` throws.
exports.check = (check) => (async () => {
  const browser = await exports.launch();
  let problems;
  try {
    problems = await check(browser);
  } finally {
    await browser.close();
  }
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
})().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
