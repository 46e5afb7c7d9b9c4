//! `X-Request-Id`: every answer carries one, and the request's log line the
//! same, so that a client's report ("this request failed") finds its line.
//! A sane id the client (or a proxy in front) sent is kept: up to
//! `MAX_LENGTH` visible ASCII characters. Otherwise the id is made here: a
//! random prefix drawn once per process, so that replicas behind one load
//! balancer do not repeat each other's ids, and a number. Each thread takes
//! its numbers in blocks, so that the workers share no counter (see
//! `request_counts`): ids are unique, not in the order requests came.

use axum::http::header::{HeaderMap, HeaderName, HeaderValue};
use std::cell::Cell;
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id kept from a request (a UUID has 36 characters, a W3C
/// `traceparent` 55).
pub const MAX_LENGTH: usize = 128;

/// The id of the request with `headers`: its own if sane, else a new one.
pub fn of(headers: &HeaderMap) -> HeaderValue {
    match headers.get(HEADER) {
        Some(sent) if is_sane(sent.as_bytes()) => sent.clone(),
        _ => new(),
    }
}

fn is_sane(id: &[u8]) -> bool {
    (1..=MAX_LENGTH).contains(&id.len()) && id.iter().all(|b| (b'!'..=b'~').contains(b))
}

/// Numbers a thread takes at a time.
const BLOCK: u64 = 1024;

/// A new id: this process's prefix and a number, such as `5c1d09a7-42`.
fn new() -> HeaderValue {
    // Process-wide, not per router: the router that answers while the graph is
    // built and the glossary's must not hand out the same id.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static PREFIX: OnceLock<u32> = OnceLock::new();
    thread_local! {
        /// The next number of this thread's block, and the end of the block.
        static TAKEN: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }
    // The standard library seeds `RandomState` from the system's randomness.
    let prefix = *PREFIX.get_or_init(|| RandomState::new().hash_one(std::process::id()) as u32);
    let n = TAKEN.with(|taken| {
        let (mut next, mut end) = taken.get();
        if next == end {
            next = NEXT.fetch_add(BLOCK, Ordering::Relaxed);
            end = next + BLOCK;
        }
        taken.set((next + 1, end));
        next
    });
    let mut text = [0u8; 32];
    let mut out = &mut text[..];
    // 8 + 1 + at most 20 digits fit.
    let _ = write!(out, "{prefix:08x}-{n}");
    let written = 32 - out.len();
    HeaderValue::from_bytes(&text[..written]).unwrap_or(HeaderValue::from_static("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(value: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(HEADER, HeaderValue::from_bytes(value).unwrap());
        headers
    }

    #[test]
    fn a_sane_id_is_kept_and_any_other_replaced() {
        let uuid = b"0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(of(&sent(uuid)).as_bytes(), uuid);
        let long = vec![b'a'; MAX_LENGTH];
        assert_eq!(of(&sent(&long)).as_bytes(), long.as_slice());
        for bad in [
            &b"two words"[..],
            b"tab\there",
            &[b'a'; MAX_LENGTH + 1],
            b"caf\xc3\xa9",
        ] {
            let id = of(&sent(bad));
            assert_ne!(id.as_bytes(), bad);
            assert!(is_sane(id.as_bytes()), "{id:?}");
        }
    }

    #[test]
    fn new_ids_share_a_prefix_and_differ() {
        let (a, b) = (of(&HeaderMap::new()), of(&HeaderMap::new()));
        assert_ne!(a, b);
        let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
        assert_eq!(a.split_once('-').unwrap().0, b.split_once('-').unwrap().0);
        assert_eq!(a.split_once('-').unwrap().0.len(), 8);
        assert!(is_sane(a.as_bytes()));
    }
}
