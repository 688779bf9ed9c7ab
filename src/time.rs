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

/// A `datetime-local` input's value, read in the visitor's time zone; `None` when empty.
pub fn from_local_input(text: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text)).get_time();
    if millis.is_nan() {
        return Err("The reveal time is not a date.".to_owned());
    }
    Ok(chrono::DateTime::from_timestamp_millis(millis as i64))
}

/// What a `datetime-local` input shows for `at` in the visitor's time zone:
/// `2026-12-03T09:00`.
pub fn to_local_input(at: chrono::DateTime<chrono::Utc>) -> String {
    let millis = at.timestamp_millis() as f64;
    let offset = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis)).get_timezone_offset();
    let local = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis - offset * 60_000.0));
    String::from(local.to_iso_string())
        .chars()
        .take(16)
        .collect()
}

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
