//! Lesson text to HTML. Lesson files can come from anyone (a learner may open a file from
//! disk), so raw HTML is shown as text and only harmless link targets survive.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Renders Markdown to HTML that is safe to insert into the page.
pub fn render_markdown(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // For each open link or image: whether it was dropped, so its end is dropped too.
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { ref dest_url, .. })
        | Event::Start(Tag::Image { ref dest_url, .. }) => {
            let safe = is_safe_destination(dest_url);
            dropped.push(!safe);
            safe.then_some(event)
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
            let was_dropped = dropped.pop().unwrap_or(false);
            (!was_dropped).then_some(event)
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Renders one paragraph of Markdown (an explanation) to inline HTML, safe as
/// [`render_markdown`] is: without the paragraph around it, so it can follow other text.
/// Text of several paragraphs keeps them.
pub fn render_inline(markdown: &str) -> String {
    let html = render_markdown(markdown);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html,
    }
}

/// http(s), a fragment, or a relative reference; anything with another scheme
/// (`javascript:`, `data:` …) or a protocol-relative `//host` is refused.
fn is_safe_destination(destination: &CowStr<'_>) -> bool {
    // Browsers ignore tabs, newlines and leading spaces in URLs, so an attacker can hide a
    // scheme behind them; judge the URL the way the browser will read it.
    let cleaned: String = destination
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let lower = cleaned.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with('#') {
        return true;
    }
    if lower.starts_with("//") || lower.starts_with("\\\\") || lower.starts_with("/\\") {
        return false;
    }
    // Relative: no scheme, i.e. no ':' before the first '/', '?' or '#'.
    let end = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    !lower[..end].contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        for safe in [
            "https://example.com",
            "http://x",
            "#top",
            "other.html",
            "../a/b?c=d",
            "a/b:c",
        ] {
            assert!(is_safe_destination(&CowStr::from(safe)), "{safe}");
        }
        for unsafe_ in [
            "javascript:alert(1)",
            "JAVASCRIPT:x",
            "java\tscript:x",
            " data:text/html,x",
            "//evil.example",
            "vbscript:x",
            "mailto:a@b",
        ] {
            assert!(!is_safe_destination(&CowStr::from(unsafe_)), "{unsafe_}");
        }
    }
}
