//! Times as people read them: "3 h ago", "in 20 min".

#[cfg(target_arch = "wasm32")]
use chrono::{DateTime, Utc};

pub use asyncvoter_wire::words::{ago, span, until};

/// A full timestamp in the viewer's time zone, named, as their browser writes dates:
/// `Thu, Dec 3, 2026, 09:00 AM EST` (en-US) or `Thu 3 Dec 2026, 14:00 CET` (en-GB).
// The browser's Intl: it knows the viewer's zone and language, and chrono's strftime
// machinery would add ~20 KB to the wasm. One formatter for the page: `toLocaleString`
// with options builds a new one per call (measured: most of a 50-row list's render).
#[cfg(target_arch = "wasm32")]
pub fn exact(at: DateTime<Utc>) -> String {
    use wasm_bindgen::JsValue;
    thread_local! {
        static FORMAT: js_sys::Function = {
            let options = js_sys::Object::new();
            for (key, value) in [
                ("weekday", "short"),
                ("year", "numeric"),
                ("month", "short"),
                ("day", "numeric"),
                ("hour", "2-digit"),
                ("minute", "2-digit"),
                ("timeZoneName", "short"),
            ] {
                let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
            }
            // No locales: the browser's own language.
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format()
        };
    }
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    FORMAT.with(|format| {
        format
            .call1(&JsValue::UNDEFINED, &date)
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default()
    })
}

/// Outside a browser (unit tests): UTC, named.
#[cfg(not(target_arch = "wasm32"))]
pub use asyncvoter_wire::markup::utc as exact;

/// The machine-readable form for `<time datetime>`: `2026-11-28T14:05:09Z`.
pub use asyncvoter_wire::markup::iso;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration};

    #[test]
    fn exact_times_name_their_zone() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(exact(now), "Sat, Nov 28, 2026, 12:00 PM UTC");
        assert_eq!(iso(now + Duration::seconds(9)), "2026-11-28T12:00:09Z");
    }
}
