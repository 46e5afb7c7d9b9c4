//! Response compression, done once: a response with an ETag is compressed on
//! its first request and the compressed bytes are kept in the snapshot, so a
//! browser asking for a concept page again costs a lookup, like a client that
//! asks for no encoding. A request without `Accept-Encoding` costs a header
//! lookup and nothing else.

use super::AppState;
use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::Response;

/// An encoding this server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// The encoding a request's `Accept-Encoding` prefers, brotli on a tie.
    pub fn accepted(headers: &HeaderMap) -> Option<Self> {
        let value = headers.get(header::ACCEPT_ENCODING)?.to_str().ok()?;
        let (mut br, mut gzip, mut any) = (None, None, None);
        for item in value.split(',') {
            let mut parts = item.split(';');
            let token = parts.next().unwrap_or_default().trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let slot = if token.eq_ignore_ascii_case("br") {
                &mut br
            } else if token.eq_ignore_ascii_case("gzip") || token.eq_ignore_ascii_case("x-gzip") {
                &mut gzip
            } else if token == "*" {
                &mut any
            } else {
                continue;
            };
            *slot = Some(q);
        }
        let br = br.or(any).unwrap_or(0.0);
        let gzip = gzip.or(any).unwrap_or(0.0);
        if br > 0.0 && br >= gzip {
            Some(Encoding::Brotli)
        } else if gzip > 0.0 {
            Some(Encoding::Gzip)
        } else {
            None
        }
    }

    /// `bytes` encoded. Levels for content made on request: brotli 5 and gzip 6
    /// compress a page in well under a millisecond, and the result is kept.
    pub fn encode(self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        use std::io::Write;
        let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
        match self {
            Encoding::Brotli => {
                let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                writer.write_all(bytes)?;
                writer.flush()?;
            }
            Encoding::Gzip => {
                let mut encoder =
                    flate2::write::GzEncoder::new(&mut out, flate2::Compression::new(6));
                encoder.write_all(bytes)?;
                encoder.finish()?;
            }
        }
        Ok(out)
    }
}

/// Bodies smaller than this are sent as they are: the headers cost more.
const MIN_SIZE: usize = 1024;
/// Bodies larger than this are compressed on a blocking thread, off the event loop.
const BLOCKING_SIZE: usize = 256 * 1024;

/// The cache key of a response's compressed bytes: a hash of its bytes, and
/// the encoding. Named by content, not by URI, so that query strings a page
/// does not read (`?x=1`, `?x=2`, …) share one entry instead of filling the
/// cache with copies.
pub type CompressedKey = (u128, Encoding);

/// `response` compressed if the request accepted an encoding (`accepted`),
/// and saying that it varies by `Accept-Encoding`.
pub async fn compress(
    state: &AppState,
    accepted: Option<Encoding>,
    head: bool,
    mut response: Response,
) -> Response {
    if !compressible(&response) {
        return response;
    }
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let Some(encoding) = accepted else {
        return response;
    };
    if head || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let plain = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!(error = %e, "response body not read for compression");
            parts.headers.remove(header::CONTENT_LENGTH);
            return Response::from_parts(parts, Body::empty());
        }
    };
    if plain.len() < MIN_SIZE {
        return Response::from_parts(parts, Body::from(plain));
    }
    // Only responses with validators are kept: the others (query answers)
    // are made per request and seldom asked for twice.
    let cache_key = parts
        .headers
        .contains_key(header::ETAG)
        .then(|| (xxhash_rust::xxh3::xxh3_128(&plain), encoding));
    let snapshot = state.snapshot();
    let cached = cache_key.and_then(|k| snapshot.compressed.get(&k));
    let encoded = match cached {
        Some(bytes) => bytes,
        None => {
            let result = if plain.len() > BLOCKING_SIZE {
                let input = plain.clone();
                tokio::task::spawn_blocking(move || encoding.encode(&input))
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e)))
            } else {
                encoding.encode(&plain)
            };
            match result {
                Ok(bytes) => {
                    let bytes = Bytes::from(bytes);
                    if let Some(k) = cache_key {
                        snapshot.compressed.put(k, bytes.clone());
                    }
                    bytes
                }
                Err(e) => {
                    tracing::warn!(error = %e, "response sent uncompressed");
                    return Response::from_parts(parts, Body::from(plain));
                }
            }
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static(encoding.token()),
    );
    Response::from_parts(parts, Body::from(encoded))
}

/// Whether a response's bytes are worth compressing: text, RDF, JSON and XML
/// that is not encoded already. A 304 says `Vary` as its 200 would.
fn compressible(response: &Response) -> bool {
    let headers = response.headers();
    if headers.contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    if response.status() == StatusCode::NOT_MODIFIED {
        return true;
    }
    let Some(media) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let media = media.split(';').next().unwrap_or_default().trim();
    media.starts_with("text/")
        || media.ends_with("+xml")
        || media.ends_with("+json")
        || media.ends_with("/json")
        || media.ends_with("/xml")
        || media.ends_with("/javascript")
        || matches!(
            media,
            "application/n-triples" | "application/n-quads" | "application/trig"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<Encoding> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        Encoding::accepted(&headers)
    }

    #[test]
    fn accept_encoding_picks_what_the_client_prefers() {
        assert_eq!(accept("gzip, deflate, br, zstd"), Some(Encoding::Brotli));
        assert_eq!(accept("gzip"), Some(Encoding::Gzip));
        assert_eq!(accept("br;q=0.5, gzip"), Some(Encoding::Gzip));
        assert_eq!(accept("br;q=0, gzip;q=0"), None);
        assert_eq!(accept("identity"), None);
        assert_eq!(accept("*"), Some(Encoding::Brotli));
        assert_eq!(accept("*;q=0.2, br;q=0"), Some(Encoding::Gzip));
        assert_eq!(accept("deflate"), None);
        assert_eq!(Encoding::accepted(&HeaderMap::new()), None);
    }

    #[test]
    fn both_encodings_decode_back_to_the_input() {
        use std::io::Read;
        let text = "<p>a glossary page</p>\n".repeat(200);
        let br = Encoding::Brotli.encode(text.as_bytes()).unwrap();
        let mut back = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        let gz = Encoding::Gzip.encode(text.as_bytes()).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        assert!(br.len() < text.len() / 10 && gz.len() < text.len() / 10);
    }
}
