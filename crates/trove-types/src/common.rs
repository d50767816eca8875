//! Pieces shared by many resources: links, flexible ids and small references.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A hypermedia link as Trove renders it (`{"href": ..., "rel": "self"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Link {
    /// Where the link points. Trove forces `https://` on most of them.
    pub href: String,
    /// The relation: `self`, `bookmark` or `next`.
    #[serde(default)]
    pub rel: String,
}

impl Link {
    /// Builds a link to `href` with relation `rel` (`self`, `bookmark`, `next`).
    pub fn new(rel: impl Into<String>, href: impl Into<String>) -> Link {
        Link {
            href: href.into(),
            rel: rel.into(),
        }
    }
}

/// Returns the `href` of the first link whose `rel` equals `rel`.
pub fn find_link<'a>(links: &'a [Link], rel: &str) -> Option<&'a str> {
    links.iter().find(|l| l.rel == rel).map(|l| l.href.as_str())
}

/// Serializes a flag as `0` or `1`: Trove's request schemas declare module flags and a
/// parameter's `restart_required` as integers in `0..=1` (`boolean_string` in its apischema)
/// and answer a JSON `true` with 400, so flags go out as python-troveclient sends them.
pub fn bool_as_int<S: Serializer>(flag: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(u8::from(*flag))
}

/// Like [`bool_as_int`], for optional flags (skipped when absent by the field's attributes).
pub fn opt_bool_as_int<S: Serializer>(flag: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match flag {
        Some(flag) => bool_as_int(flag, s),
        None => s.serialize_none(),
    }
}

/// Deserializes a JSON string or number into a `String`.
///
/// Trove sends `flavor.id` as an integer in `/flavors` and as a string inside an instance;
/// clients must accept both.
pub fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringOrNumber)
}

/// Like [`string_or_number`], for optional fields where `null` means absent.
pub fn opt_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(OptStringOrNumber)
}

/// Reads a string or a number as a `String`. A visitor rather than an untagged enum: an
/// untagged enum buffers each value into serde's `Content` and then tries every variant, which
/// costs an extra allocation and copy per id of every decoded instance.
struct StringOrNumber;

impl<'de> Visitor<'de> for StringOrNumber {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// [`StringOrNumber`] behind an `Option`, with `null` as `None`.
struct OptStringOrNumber;

impl<'de> Visitor<'de> for OptStringOrNumber {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null, a string or a number")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        string_or_number(d).map(Some)
    }
}

/// A reference to another resource by id, with its links (`replica_of`, `replicas[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ResourceRef {
    /// The referenced resource's id.
    #[serde(deserialize_with = "string_or_number")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::StringOrNumber"))]
    pub id: String,
    /// Its links, when the server sends them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// Defines a status enum that keeps unknown values instead of failing.
///
/// Real servers grow new states (Ussuri added `HEALTHY`); a client that fails to decode an
/// instance because of a new status is worse than useless, so unknown strings land in `Unknown`.
#[macro_export]
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the SDK does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Returns the value exactly as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(s) => s.as_str(),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        // Any string: the SDK keeps values it does not know. The known ones are examples.
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "examples": [$($wire),+] })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(match s.parse() {
                    Ok(v) => v,
                    Err(never) => match never {},
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "string_or_number")]
        id: String,
    }

    #[test]
    fn ids_decode_from_numbers_and_strings() {
        let a: Holder = serde_json::from_str(r#"{"id": 7}"#).unwrap();
        let b: Holder = serde_json::from_str(r#"{"id": "7"}"#).unwrap();
        let c: Holder = serde_json::from_str(r#"{"id": -3}"#).unwrap();
        assert_eq!(a.id, "7");
        assert_eq!(b.id, "7");
        assert_eq!(c.id, "-3");
        assert!(serde_json::from_str::<Holder>(r#"{"id": [1]}"#).is_err());
    }

    #[test]
    fn optional_ids_decode_from_null_numbers_and_strings() {
        #[derive(Deserialize)]
        struct Opt {
            #[serde(default, deserialize_with = "opt_string_or_number")]
            details: Option<String>,
        }
        let parse = |s: &str| serde_json::from_str::<Opt>(s).map(|o| o.details);
        assert_eq!(parse(r#"{"details": null}"#).unwrap(), None);
        assert_eq!(parse(r#"{}"#).unwrap(), None);
        assert_eq!(
            parse(r#"{"details": 1.5}"#).unwrap().as_deref(),
            Some("1.5")
        );
        assert_eq!(parse(r#"{"details": "x"}"#).unwrap().as_deref(), Some("x"));
        assert!(parse(r#"{"details": {}}"#).is_err());
    }

    #[test]
    fn find_link_picks_by_rel() {
        let links = vec![
            Link {
                href: "a".into(),
                rel: "self".into(),
            },
            Link {
                href: "b".into(),
                rel: "next".into(),
            },
        ];
        assert_eq!(find_link(&links, "next"), Some("b"));
        assert_eq!(find_link(&links, "prev"), None);
    }
}
