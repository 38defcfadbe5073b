//! Lesson Markdown is shown in the page: raw HTML must stay text, unsafe links must go.

use lessons::render_markdown;

#[test]
fn script_tags_are_shown_as_text() {
    let html =
        render_markdown("Hello <script>alert(1)</script>\n\n<div onclick=\"x()\">block</div>\n");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<div"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn javascript_links_are_dropped_but_their_text_stays() {
    let html = render_markdown(
        "[click](javascript:alert(1)) [ok](https://example.com) <javascript:alert(2)> [here](#goal) [rel](other.html) ![img](data:image/png;base64,AA)",
    );
    // The autolink's text may stay, but nothing may link to it.
    assert!(
        !html.to_ascii_lowercase().contains("href=\"javascript"),
        "{html}"
    );
    assert!(!html.contains("src=\"data:"), "{html}");
    assert_eq!(html.matches("<a ").count(), 3, "{html}");
    assert!(html.contains("click"), "{html}");
    assert!(
        html.contains(r#"<a href="https://example.com">ok</a>"#),
        "{html}"
    );
    assert!(html.contains(r##"<a href="#goal">here</a>"##), "{html}");
    assert!(html.contains(r#"<a href="other.html">rel</a>"#), "{html}");
}

#[test]
fn ordinary_markdown_renders() {
    let html = render_markdown("**Run** the `sync` shop.\n\n- one\n- two\n");
    assert!(html.contains("<strong>Run</strong>"), "{html}");
    assert!(html.contains("<code>sync</code>"), "{html}");
    assert!(html.contains("<li>one</li>"), "{html}");
}

#[test]
fn bundled_step_html_is_the_rendered_text() {
    for lesson in lessons::bundled() {
        for (index, step) in lesson.steps.iter().enumerate() {
            assert_eq!(
                step.html,
                render_markdown(&step.text),
                "{} step {}",
                lesson.id,
                index + 1
            );
            assert!(
                !step.html.contains("<script"),
                "{} step {}",
                lesson.id,
                index + 1
            );
        }
    }
}
