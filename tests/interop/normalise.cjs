// Normalises texts with the search box's script, as a static copy's search
// does: reads settings JSON and a JSON list of texts from the arguments,
// prints the JSON list of their matching forms (and written-out variants).
// Usage: node normalise.cjs SETTINGS.json TEXTS.json
const fs = require("fs");
const search = require("../../assets/autocomplete.js");
const [settings, texts] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
console.log(JSON.stringify(texts.map((t) => [search.normalise(t, settings), search.variant(t, settings)])));
