//! The rules a web server needs to answer the site's addresses as `serve`
//! does.

use super::{Host, Site};

/// The files (path in the folder, bytes) holding `host`'s rules for `site`.
pub fn rules(host: Host, _site: &Site) -> Vec<(String, Vec<u8>)> {
    match host {
        // GitHub Pages runs Jekyll unless told not to, which leaves out
        // `.well-known`.
        Host::Plain => vec![(".nojekyll".to_owned(), Vec::new())],
        _ => Vec::new(),
    }
}
