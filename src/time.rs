//! Times as people read them: "3 h ago", "in 20 min".

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

/// How long ago `then` was, seen from `now`: "just now", "5 min ago", "3 h ago", "2 d ago".
pub fn ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let elapsed = now - then;
    if elapsed < Duration::minutes(1) {
        "just now".to_owned()
    } else {
        format!("{} ago", span(elapsed))
    }
}

/// How long until `when`, seen from `now`: "in 20 min", or "now" once it has passed.
pub fn until(when: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = when - now;
    if left < Duration::minutes(1) {
        if left <= Duration::zero() {
            "now".to_owned()
        } else {
            "in under a minute".to_owned()
        }
    } else {
        format!("in {}", span(left))
    }
}

/// A duration in its largest sensible unit: "5 min", "3 h", "2 d".
pub fn span(duration: Duration) -> String {
    if duration < Duration::hours(1) {
        format!("{} min", duration.num_minutes())
    } else if duration < Duration::days(2) {
        format!("{} h", duration.num_hours())
    } else {
        format!("{} d", duration.num_days())
    }
}

/// A full timestamp in the viewer's time zone, named, as their browser writes dates:
/// `Thu, Dec 3, 2026, 09:00 EST` (en-US) or `Thu 3 Dec 2026, 14:00 CET` (en-GB).
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
pub fn exact(at: DateTime<Utc>) -> String {
    format!(
        "{}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// The machine-readable form for `<time datetime>`: `2026-11-28T14:05:09Z`.
pub fn iso(at: DateTime<Utc>) -> String {
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_a_person_would_say_them() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .to_utc();
        let table = [
            (Duration::seconds(5), "just now"),
            (Duration::minutes(1), "1 min ago"),
            (Duration::minutes(59), "59 min ago"),
            (Duration::hours(3) + Duration::minutes(40), "3 h ago"),
            (Duration::hours(47), "47 h ago"),
            (Duration::days(9), "9 d ago"),
        ];
        for (elapsed, expected) in table {
            assert_eq!(ago(now - elapsed, now), expected);
        }
    }

    #[test]
    fn deadlines_count_down_then_say_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(until(now + Duration::minutes(20), now), "in 20 min");
        assert_eq!(until(now + Duration::hours(5), now), "in 5 h");
        assert_eq!(until(now + Duration::seconds(20), now), "in under a minute");
        assert_eq!(until(now - Duration::minutes(3), now), "now");
        assert_eq!(exact(now), "2026-11-28 12:00 UTC");
        assert_eq!(iso(now + Duration::seconds(9)), "2026-11-28T12:00:09Z");
    }
}
