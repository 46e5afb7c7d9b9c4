//! Writes a generated glossary for the benchmarks (not a user command):
//! `cargo bench --bench generate -- ENTRIES DIR [SEED]`.

#[path = "support/mod.rs"]
mod support;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (Some(entries), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1))
    else {
        eprintln!("usage: cargo bench --bench generate -- ENTRIES DIR [SEED]");
        std::process::exit(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = std::path::Path::new(dir);
    if dir.join("glossary.toml").exists() {
        eprintln!("generate: {} already holds a glossary", dir.display());
        std::process::exit(1);
    }
    if let Err(e) = support::glossary::write(dir, entries, seed) {
        eprintln!("generate: {e}");
        std::process::exit(1);
    }
    println!("wrote {entries} entries to {}", dir.display());
}
