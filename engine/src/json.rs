//! Indenting compact JSON exactly as `serde_json::to_string_pretty` would have written it.
//!
//! Files people read (an exported scenario, a progress file) are indented; links are compact.
//! Writing each type once, compact, and indenting the text here keeps a single copy of each
//! type's serializer in the page instead of one per formatter.

/// `compact` (as `serde_json::to_string` writes it) laid out with two-space indentation.
pub fn pretty(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indents_as_serde_json_does() {
        let values = [
            json!({}),
            json!([]),
            json!({"a": [], "b": {}, "c": [1, 2.5, -3e-7], "d": {"e": null, "f": true}}),
            json!([
                "quote \" and \\ backslash",
                "braces {[,:]} inside",
                "tab\t and é ☃",
                ""
            ]),
            json!([[[]], [{}], {"x": [{"y": []}]}]),
            json!("just a string"),
            json!(42),
        ];
        for value in values {
            let compact = serde_json::to_string(&value).unwrap();
            assert_eq!(
                pretty(&compact),
                serde_json::to_string_pretty(&value).unwrap(),
                "{compact}"
            );
        }
    }
}
