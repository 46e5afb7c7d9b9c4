// Headless Chromium as every browser test here launches it: the installed
// Chromium (CHROMIUM, default /usr/bin/chromium), with nothing that reaches
// beyond loopback. Needs playwright-core (NODE_PATH).
const { chromium } = require("playwright-core");

exports.launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
