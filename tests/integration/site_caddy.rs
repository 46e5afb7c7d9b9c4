//! `glossgraph site`: Caddy 2, with the Caddyfile glossgraph writes imported
//! in a site block whose root is the folder, answers as `serve` does.

use crate::site::{Host, answers_as_serve, free_port, site_of_data};
use crate::util::{ServeProcess, require, root};
use std::path::Path;
use std::process::{Command, Stdio};

/// Whether the `caddy` on the path is Caddy 2 (`caddy version` says `2.…`,
/// or `v2.…` in upstream's builds).
fn caddy_2() -> bool {
    Command::new("caddy")
        .arg("version")
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|out| {
            let version = String::from_utf8_lossy(&out.stdout);
            out.status.success() && version.trim_start_matches('v').starts_with("2.")
        })
}

/// Caddy 2 serving `site` with the rules glossgraph wrote there: a
/// configuration of its own in a temporary folder, in the foreground.
fn caddy(site: &Path) -> Option<Host> {
    if !caddy_2() {
        require("Caddy 2 is not installed", "apt-get install caddy");
        return None;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let port = free_port();
    let conf = format!(
        "{{\n\tadmin off\n\tauto_https off\n}}\n\nhttp://127.0.0.1:{port} {{\n\troot * {root}\n\timport {rules}\n}}\n",
        root = site.display(),
        rules = site.join(".glossgraph/Caddyfile").display(),
    );
    let conf_path = dir.path().join("Caddyfile");
    std::fs::write(&conf_path, conf).expect("Caddyfile written");
    let log_path = dir.path().join("caddy.log");
    let log = std::fs::File::create(&log_path).expect("a log file");
    let child = Command::new("caddy")
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&conf_path)
        // Caddy keeps its autosaved configuration and data under these.
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("caddy starts");
    Some(
        Host {
            name: "caddy",
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
        .ready(&log_path),
    )
}

#[test]
fn site_caddy_with_the_written_rules_answers_as_serve() {
    let (_dir, site) = site_of_data();
    let Some(host) = caddy(&site) else { return };
    let serve = ServeProcess::start(&root(), &["--data", "data"], &[], &[]);
    answers_as_serve(&host, &serve);
}
