//! JSON text read into typed values: the browser's `JSON.parse` builds the value, serde
//! reads it.
//!
//! serde-wasm-bindgen reads such values too, but its errors describe the unexpected value
//! with serde's default messages, and those link Rust's float formatting into the wasm
//! (this reader: 8 KB brotli less, measured). Its errors name what was expected instead.
//!
//! Enums are read from strings (unit variants), the only form the wire types use.

use std::fmt;

use js_sys::{Array, JsString, Object};
use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// Why JSON text could not be read as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DecodeError(message.to_string())
    }

    fn invalid_type(_: de::Unexpected, expected: &dyn de::Expected) -> Self {
        DecodeError(format!(
            "a value of another type where {expected} was expected"
        ))
    }

    fn invalid_value(_: de::Unexpected, expected: &dyn de::Expected) -> Self {
        DecodeError(format!("a value that is not {expected}"))
    }
}

/// Reads JSON `text` as a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let value =
        js_sys::JSON::parse(text).map_err(|_| DecodeError("the text is not JSON".to_owned()))?;
    from_value(value)
}

/// Reads a value the browser's JSON parser built (`JSON.parse`, `Response.json()`) as a
/// `T`.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, DecodeError> {
    T::deserialize(Value(value))
}

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// One value `JSON.parse` built.
struct Value(JsValue);

impl Value {
    fn is_absent(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match Kind::of(self.0) {
            Kind::Absent => visitor.visit_unit(),
            Kind::Bool(flag) => visitor.visit_bool(flag),
            Kind::Integer(number) => visitor.visit_i64(number),
            Kind::Natural(number) => visitor.visit_u64(number),
            Kind::Float(number) => visitor.visit_f64(number),
            Kind::Text(text) => visitor.visit_string(text),
            Kind::Array(items) => visitor.visit_seq(items),
            Kind::Object(entries) => visitor.visit_map(entries),
            Kind::Other => Err(DecodeError("a value JSON cannot hold".to_owned())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.is_absent() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match self.0.as_string() {
            Some(variant) => {
                let variant: StringDeserializer<DecodeError> = variant.into_deserializer();
                visitor.visit_enum(variant)
            }
            None => Err(expected("a string", name)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    // Each type's reader asks for the one shape it reads, so only that visitor method of
    // each type is compiled in (`deserialize_any` would pull in all of them).

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        match Kind::of(self.0) {
            Kind::Object(entries) => visitor.visit_map(entries),
            _ => Err(expected("an object", name)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match Kind::of(self.0) {
            Kind::Object(entries) => visitor.visit_map(entries),
            _ => Err(expected("an object", "")),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match Kind::of(self.0) {
            Kind::Array(items) => visitor.visit_seq(items),
            _ => Err(expected("an array", "")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match Kind::of(self.0) {
            Kind::Text(text) => visitor.visit_string(text),
            _ => Err(expected("a string", "")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match Kind::of(self.0) {
            Kind::Bool(flag) => visitor.visit_bool(flag),
            _ => Err(expected("true or false", "")),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_number(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_number(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_number(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_number(visitor)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u128 f32 char bytes byte_buf unit unit_struct tuple
        tuple_struct identifier
    }
}

impl Value {
    fn deserialize_number<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match Kind::of(self.0) {
            Kind::Integer(number) => visitor.visit_i64(number),
            Kind::Natural(number) => visitor.visit_u64(number),
            Kind::Float(number) => visitor.visit_f64(number),
            _ => Err(expected("a number", "")),
        }
    }
}

/// What a value is, worked out once for every type that reads one (a smaller wasm than
/// asking inside each type's reader).
enum Kind {
    Absent,
    Bool(bool),
    /// A negative whole number.
    Integer(i64),
    /// A whole number from 0.
    Natural(u64),
    /// Any other number; whole numbers go to the two above so integer fields accept them.
    Float(f64),
    Text(String),
    Array(Items),
    Object(Entries),
    Other,
}

impl Kind {
    // Most values of an answer are text, then numbers: asked first, each takes one call
    // into JavaScript instead of five.
    #[inline(never)]
    fn of(value: JsValue) -> Kind {
        if let Some(text) = value.as_string() {
            Kind::Text(text)
        } else if let Some(number) = value.as_f64() {
            if number.fract() != 0.0 || number.abs() > MAX_SAFE_INTEGER {
                Kind::Float(number)
            } else if number < 0.0 {
                Kind::Integer(number as i64)
            } else {
                Kind::Natural(number as u64)
            }
        } else if value.is_null() || value.is_undefined() {
            Kind::Absent
        } else if let Some(flag) = value.as_bool() {
            Kind::Bool(flag)
        } else if Array::is_array(&value) {
            Kind::Array(Items::new(value.unchecked_into()))
        } else if value.is_object() {
            Kind::Object(Entries {
                entries: Items::new(Object::entries(value.unchecked_ref())),
                value: None,
            })
        } else {
            Kind::Other
        }
    }
}

/// A value of another shape where `shape` was expected, for the type `name` (if named).
#[inline(never)]
fn expected(shape: &str, name: &str) -> DecodeError {
    if name.is_empty() {
        DecodeError(format!("expected {shape}"))
    } else {
        DecodeError(format!("{name}: expected {shape}"))
    }
}

/// An array's items, in order.
struct Items {
    array: Array,
    next: u32,
}

impl Items {
    fn new(array: Array) -> Self {
        Items { array, next: 0 }
    }
}

impl Iterator for Items {
    type Item = JsValue;

    fn next(&mut self) -> Option<JsValue> {
        (self.next < self.array.length()).then(|| {
            self.next += 1;
            self.array.get(self.next - 1)
        })
    }
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        self.next()
            .map(|item| seed.deserialize(Value(item)))
            .transpose()
    }
}

/// An object's `[key, value]` pairs, from `Object.entries`.
struct Entries {
    entries: Items,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        let entry = entry.unchecked_into::<Array>();
        self.value = Some(entry.get(1));
        // `Object.entries` keys are always strings.
        let key: StringDeserializer<DecodeError> =
            String::from(entry.get(0).unchecked_into::<JsString>()).into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let value = self.value.take().unwrap_or(JsValue::UNDEFINED);
        seed.deserialize(Value(value))
    }
}
