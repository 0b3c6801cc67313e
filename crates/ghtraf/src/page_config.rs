//! The dashboard page carries a copy of the `config.json` deployed beside it.
//!
//! A first visit in a fresh browser otherwise waits for `config.json` before it
//! can even ask for `state.json` (the gist it names): a whole round trip before
//! any number is painted. So `create` and `upgrade` write config.json's content
//! into `index.html`'s `ghtraf-deployed-config` element (the template holds
//! `null`), and the page asks for the state at once; `config.json` stays the
//! authority and a contradicted copy is only a wasted request.
//!
//! The copy is deployment data, not part of the template: a page that differs
//! from ours only there is ours (updated without asking), and kept-edit records
//! hash the page with the element emptied, so a new gist id is not "the
//! template changed". `tests/dashboard/server.mjs` writes the element the same
//! way for the browser tests and the bench.

use std::borrow::Cow;

/// The dashboard page.
pub const PAGE_PATH: &str = "docs/stats/index.html";
const OPEN: &str = r#"<script type="application/json" id="ghtraf-deployed-config">"#;
const CLOSE: &str = "</script>";
const EMPTY: &str = "null";

/// Where the element's content starts and ends in `page`, if it has the element.
fn content_span(page: &str) -> Option<(usize, usize)> {
    let start = page.find(OPEN)? + OPEN.len();
    let end = start + page[start..].find(CLOSE)?;
    Some((start, end))
}

/// `page` with `config_json` (config.json's text, which may hold deferred-value
/// markers in its strings) written into the element: compact, with every `<`
/// escaped so nothing in it can end the script element. Unchanged when the page
/// has no such element or the text is not JSON.
pub fn with_config(page: &str, config_json: &str) -> String {
    let (Some((start, end)), Ok(value)) = (
        content_span(page),
        serde_json::from_str::<serde_json::Value>(config_json),
    ) else {
        return page.to_string();
    };
    let Ok(compact) = serde_json::to_string(&value) else {
        return page.to_string();
    };
    format!(
        "{}{}{}",
        &page[..start],
        compact.replace('<', "\\u003c"),
        &page[end..]
    )
}

/// `page` with the element's content back to the template's `null`: what the
/// page is apart from its deployment data.
pub fn without_config(page: &str) -> Cow<'_, str> {
    match content_span(page) {
        Some((start, end)) if &page[start..end] != EMPTY => {
            Cow::Owned(format!("{}{EMPTY}{}", &page[..start], &page[end..]))
        }
        _ => Cow::Borrowed(page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<head>\n<script type=\"application/json\" id=\"ghtraf-deployed-config\">null</script>\n<script>boot()</script>\n</head>\n";

    #[test]
    fn the_config_is_written_compact_and_cannot_end_the_element() {
        let config = "{\n  \"owner\": \"octo\",\n  \"displayName\": \"</script><b>x\",\n  \"badgeGistId\": \"@@ghtraf:gist:badge@@\"\n}\n";
        let page = with_config(PAGE, config);
        assert_eq!(
            page,
            "<head>\n<script type=\"application/json\" id=\"ghtraf-deployed-config\">{\"owner\":\"octo\",\"displayName\":\"\\u003c/script>\\u003cb>x\",\"badgeGistId\":\"@@ghtraf:gist:badge@@\"}</script>\n<script>boot()</script>\n</head>\n"
        );
        // What the browser reads back is the config.
        let (start, end) = content_span(&page).unwrap();
        let read: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        assert_eq!(read["displayName"], "</script><b>x");
        assert_eq!(page.matches("</script>").count(), 2);
    }

    #[test]
    fn without_config_gives_back_the_template() {
        let page = with_config(PAGE, r#"{"badgeGistId":"abc"}"#);
        assert_ne!(page, PAGE);
        assert_eq!(without_config(&page), PAGE);
        assert!(matches!(without_config(PAGE), Cow::Borrowed(_)));
    }

    #[test]
    fn a_page_without_the_element_or_a_config_that_is_not_json_is_left_alone() {
        let other = "<html><script>x</script></html>";
        assert_eq!(with_config(other, r#"{"a":1}"#), other);
        assert_eq!(without_config(other), other);
        assert_eq!(with_config(PAGE, "{not json"), PAGE);
        // An element never closed is not filled (nothing past it is touched).
        let open = "<script type=\"application/json\" id=\"ghtraf-deployed-config\">null";
        assert_eq!(with_config(open, "{}"), open);
    }

    #[test]
    fn the_deployed_template_holds_the_empty_element_once() {
        let page = crate::templates::TEMPLATES
            .iter()
            .find(|t| t.path == PAGE_PATH)
            .unwrap()
            .text;
        assert_eq!(page.matches(OPEN).count(), 1);
        assert_eq!(without_config(page), page, "the template holds null");
        assert_ne!(with_config(page, "{}"), page);
    }
}
