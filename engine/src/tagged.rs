//! Reading internally tagged JSON (`{"kind": "fixed", "ms": 5}`) without serde's buffering.
//!
//! serde reads an internally tagged enum by first copying the whole object into a buffer, then
//! reading the variant from it: a second deserializer for every type inside, a large share of
//! the page's code. The tagged enums here read through a flat struct instead — the tag plus
//! every variant's fields as options, in one pass — and convert with these checks, which word
//! problems exactly as serde's derived code did. Writing still uses the derived form, so the
//! JSON is the same both ways.

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
