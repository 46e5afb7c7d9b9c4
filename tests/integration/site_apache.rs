//! `glossgraph site --host apache`: Apache httpd 2.4, serving the site with
//! nothing but the `.htaccess` glossgraph wrote, answers every client as
//! `serve` does.

use crate::site::{Host, answers_as_serve, free_port, has, site_of_data_with};
use crate::util::{ServeProcess, require, root};
use std::path::Path;
use std::process::{Command, Stdio};

/// Debian's Apache httpd and its modules.
const APACHE: &str = "/usr/sbin/apache2";
const MODULES: &str = "/usr/lib/apache2/modules";

/// Apache httpd 2.4 serving `site` as a shared host does: the folder is the
/// document root, `.htaccess` files are read (`AllowOverride All`), and
/// mod_rewrite and mod_headers are loaded.
fn apache(site: &Path) -> Option<Host> {
    if !has(APACHE) {
        require(
            "Apache httpd 2.4 is not installed",
            "apt-get install apache2",
        );
        return None;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let port = free_port();
    let d = dir.path().display();
    let modules: String = [
        "mpm_event",
        "authz_core",
        "dir",
        "mime",
        "rewrite",
        "headers",
    ]
    .iter()
    .map(|name| format!("LoadModule {name}_module {MODULES}/mod_{name}.so\n"))
    .collect();
    let conf = format!(
        "ServerRoot {d}\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\nPidFile {d}/httpd.pid\nDefaultRuntimeDir {d}\nErrorLog {d}/error.log\n{modules}TypesConfig /etc/mime.types\nDocumentRoot {root}\n<Directory {root}>\n  AllowOverride All\n  Require all granted\n</Directory>\n",
        root = site.display(),
    );
    let conf_path = dir.path().join("httpd.conf");
    std::fs::write(&conf_path, conf).expect("httpd.conf written");
    let log = dir.path().join("error.log");
    // What it says before it opens its log (a bad configuration) goes there.
    let early = std::fs::File::create(&log).expect("error.log created");
    // `-X`: one process in the foreground, stopped by killing it.
    let child = Command::new(APACHE)
        .arg("-X")
        .arg("-f")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(early)
        .spawn()
        .expect("apache2 starts");
    Some(
        Host {
            name: "apache",
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
        .ready(&log),
    )
}

#[test]
fn site_apache_with_the_written_rules_answers_as_serve() {
    let (_dir, site) = site_of_data_with(&["--host", "apache"]);
    let Some(host) = apache(&site) else {
        return;
    };
    let serve = ServeProcess::start(&root(), &["--data", "data"], &[], &[]);
    answers_as_serve(&host, &serve);
}
