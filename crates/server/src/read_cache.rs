//! List reads kept, compressed, while nothing they show has changed.
//!
//! An entry is keyed on the read's query and stamped with the store's
//! [`ReadVersion`] (the newest event id and the names version, both read from the
//! database before the list, so a write by another instance or process is seen on the
//! next read). A list shows nothing that differs between callers who may read it (the
//! visibility guard decides who may), so the query is all the key needs. An entry is used
//! only while the version read for a request is exactly its own.
//!
//! Each entry is compressed at most once per encoding, when first asked for. The level
//! follows the size (measured on this machine with the `brotli` and `flate2` crates, a
//! 48 KB list of 100 votes): brotli quality 5 takes 0.70 ms for 2.8 KB, quality 4
//! 0.52 ms for 2.9 KB, quality 9 5.0 ms for no gain, quality 11 112 ms for 2.5 KB; gzip 6
//! 0.19 ms for 3.5 KB. Paid once per change, quality 5 is the best trade; below 860 bytes
//! compression saves too little to be worth a round of it.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;

use crate::store::ReadVersion;

/// Entries kept; past this, the oldest goes.
const MOST_ENTRIES: usize = 64;
/// Below this many bytes an answer is sent as it is.
const SMALLEST_COMPRESSED: usize = 860;
const BROTLI_QUALITY: i32 = 5;
const GZIP_LEVEL: u32 = 6;

/// How an answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best encoding an `Accept-Encoding` header allows: brotli, then gzip.
    pub fn preferred(accept: Option<&str>) -> Encoding {
        let accepts = |wanted: &str| {
            accept.unwrap_or_default().split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let named = parts.next().is_some_and(|n| n.eq_ignore_ascii_case(wanted));
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                named && !refused
            })
        };
        if accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// One kept answer.
#[derive(Debug)]
pub struct Cached {
    version: ReadVersion,
    json: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl Cached {
    /// The answer in `wanted` (or as it is, when too small to compress), and the encoding
    /// it is in.
    pub fn body(&self, wanted: Encoding) -> (Encoding, Bytes) {
        if self.json.len() < SMALLEST_COMPRESSED {
            return (Encoding::Identity, self.json.clone());
        }
        let body = match wanted {
            Encoding::Brotli => self.brotli.get_or_init(|| brotli(&self.json)),
            Encoding::Gzip => self.gzip.get_or_init(|| gzip(&self.json)),
            Encoding::Identity => &self.json,
        };
        (wanted, body.clone())
    }
}

/// The kept answers, by query.
#[derive(Debug, Default)]
pub struct ReadCache {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    by_key: HashMap<String, Arc<Cached>>,
    /// Keys, oldest first.
    order: Vec<String>,
}

impl ReadCache {
    /// The answer kept for `key` at exactly `version`.
    pub fn get(&self, key: &str, version: ReadVersion) -> Option<Arc<Cached>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .by_key
            .get(key)
            .filter(|cached| cached.version == version)
            .cloned()
    }

    /// Keeps `json` as the answer for `key` at `version`, in place of any older one.
    pub fn put(&self, key: &str, version: ReadVersion, json: Bytes) -> Arc<Cached> {
        let cached = Arc::new(Cached {
            version,
            json,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        });
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries
            .by_key
            .insert(key.to_owned(), cached.clone())
            .is_none()
        {
            entries.order.push(key.to_owned());
            if entries.order.len() > MOST_ENTRIES {
                let oldest = entries.order.remove(0);
                entries.by_key.remove(&oldest);
            }
        }
        cached
    }
}

fn brotli(json: &[u8]) -> Bytes {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        size_hint: json.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(json.len() / 8);
    // Writing to a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &json[..], &mut out, &params);
    out.into()
}

fn gzip(json: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(json.len() / 6),
        flate2::Compression::new(GZIP_LEVEL),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(json);
    encoder.finish().unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn version(event: i64, names: i64) -> ReadVersion {
        ReadVersion { event, names }
    }

    #[test]
    fn an_entry_serves_only_its_own_version() {
        let cache = ReadCache::default();
        cache.put("q", version(7, 1), Bytes::from_static(b"[7]"));
        assert!(cache.get("q", version(7, 1)).is_some());
        assert!(cache.get("q", version(8, 1)).is_none(), "a newer event");
        assert!(cache.get("q", version(7, 2)).is_none(), "a renamed member");
        assert!(cache.get("other", version(7, 1)).is_none());
        cache.put("q", version(8, 1), Bytes::from_static(b"[8]"));
        assert!(cache.get("q", version(7, 1)).is_none(), "replaced");
    }

    #[test]
    fn the_oldest_entries_go_first() {
        let cache = ReadCache::default();
        for i in 0..=MOST_ENTRIES {
            cache.put(&i.to_string(), version(1, 0), Bytes::new());
        }
        assert!(cache.get("0", version(1, 0)).is_none());
        assert!(cache.get("1", version(1, 0)).is_some());
        assert!(
            cache
                .get(&MOST_ENTRIES.to_string(), version(1, 0))
                .is_some()
        );
    }

    #[test]
    fn compressed_bodies_decompress_to_the_answer_and_small_ones_stay_plain() {
        let json: Bytes = format!("[{}0]", "{\"name\":\"Story\"},".repeat(200)).into();
        let cached = ReadCache::default().put("q", version(1, 0), json.clone());
        let (encoding, body) = cached.body(Encoding::Brotli);
        assert_eq!(encoding, Encoding::Brotli);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &body[..], &mut back).unwrap();
        assert_eq!(back, json);
        assert!(body.len() < json.len() / 10);
        let (encoding, body) = cached.body(Encoding::Gzip);
        assert_eq!(encoding, Encoding::Gzip);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, json);
        let small = ReadCache::default().put("q", version(1, 0), Bytes::from_static(b"[]"));
        assert_eq!(small.body(Encoding::Brotli).0, Encoding::Identity);
    }

    #[test]
    fn the_browsers_accept_encoding_picks_brotli() {
        assert_eq!(
            Encoding::preferred(Some("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::preferred(Some("gzip")), Encoding::Gzip);
        assert_eq!(Encoding::preferred(Some("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::preferred(Some("identity")), Encoding::Identity);
        assert_eq!(Encoding::preferred(None), Encoding::Identity);
    }
}
