//! Reading internally tagged JSON (`{"kind": "fixed", "ms": 5}`) without serde's buffering, and
//! enums written as a bare name (`"periodic"`) through one name reader for all of them.
//!
//! serde reads an internally tagged enum by first copying the whole object into a buffer, then
//! reading the variant from it: a second deserializer for every type inside, a large share of
//! the page's code. The tagged enums here read through a flat struct instead — the tag plus
//! every variant's fields as options, in one pass — and convert with these checks. A field that
//! belongs to another variant, or a missing one, is worded as serde's derived code worded it; a
//! name no variant has is listed against every variant's fields. A `null` in a field the variant
//! does not take reads as if it were absent. Writing still uses the derived form, so the JSON is
//! the same both ways.

use serde::de::Error as _;
use serde::de::value::Error;

/// Refuses a field that `present` holds but this variant does not take.
pub fn only(
    present: &[(&'static str, bool)],
    allowed: &'static [&'static str],
) -> Result<(), Error> {
    match present
        .iter()
        .find(|(name, here)| *here && !allowed.contains(name))
    {
        Some((name, _)) => Err(Error::unknown_field(name, allowed)),
        None => Ok(()),
    }
}

/// A field this variant needs.
pub fn need<T>(value: Option<T>, name: &'static str) -> Result<T, Error> {
    value.ok_or_else(|| Error::missing_field(name))
}

/// Which of `names` the next value spells; serde's words when it is none of them.
pub fn by_name<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    deserializer.deserialize_str(NameVisitor(names))
}

struct NameVisitor(&'static [&'static str]);

impl serde::de::Visitor<'_> for NameVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|n| *n == name)
            .ok_or_else(|| E::unknown_variant(name, self.0))
    }
}

/// `Deserialize` for an enum of unit variants written as their names: every such enum shares
/// one reader instead of serde's derived visitor each. The match makes the list complete; the
/// names must be those `Serialize` writes, which `JSON_NAMES` lets a test check.
#[macro_export]
macro_rules! deserialize_by_name {
    ($ty:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            /// Each variant with the name it has in JSON.
            #[allow(dead_code)]
            pub const JSON_NAMES: &'static [($ty, &'static str)] = &[$(($ty::$variant, $name)),*];
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$ty, D::Error> {
                const NAMES: &[&str] = &[$($name),*];
                const VALUES: &[$ty] = &[$($ty::$variant),*];
                #[allow(dead_code)]
                fn every_variant_is_listed(value: $ty) {
                    match value {
                        $($ty::$variant => {})*
                    }
                }
                $crate::tagged::by_name(deserializer, NAMES).map(|index| VALUES[index])
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_as_serde_words_them() {
        let present = [("ms", true), ("mean_ms", false)];
        assert!(only(&present, &["ms"]).is_ok());
        assert_eq!(
            only(&present, &["mean_ms"]).unwrap_err().to_string(),
            "unknown field `ms`, expected `mean_ms`"
        );
        assert_eq!(
            only(&present, &["median_ms", "p99_ms"])
                .unwrap_err()
                .to_string(),
            "unknown field `ms`, expected `median_ms` or `p99_ms`"
        );
        assert_eq!(
            only(&present, &[]).unwrap_err().to_string(),
            "unknown field `ms`, there are no fields"
        );
        assert_eq!(
            need::<f64>(None, "ms").unwrap_err().to_string(),
            "missing field `ms`"
        );
        assert_eq!(need(Some(2), "ms").unwrap(), 2);
    }
}
