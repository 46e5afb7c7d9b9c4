//! HTTP from glossgraph itself: fetching sources by URL (importers, link checks).
//!
//! TLS is rustls with the *ring* provider (a small C build), installed once here
//! before any client is made.

use std::sync::Once;
use std::time::Duration;

/// Installs the TLS crypto provider; every client is built after this.
pub fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if another provider is installed already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A blocking HTTP client with a total `timeout` per request and at most
/// `redirects` redirects.
pub fn client(timeout: Duration, redirects: usize) -> reqwest::Result<reqwest::blocking::Client> {
    install_crypto();
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(redirects))
        .user_agent(concat!("glossgraph/", env!("CARGO_PKG_VERSION")))
        .build()
}
