//! URL helpers of the client: origins (the token only goes to the API's own origin), proxy
//! rules (never for loopback, `NO_PROXY` honoured because ureq 2 ignores it), percent-encoding
//! of path segments and `Link` header parsing.

use crate::repo_ref::RepoRef;

/// `(origin, host)` of an http(s) URL, e.g. `("https://api.github.com", "api.github.com")`.
pub(super) fn split_origin(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or("").to_string()
    } else {
        authority.split(':').next().unwrap_or("").to_string()
    };
    Some((format!("{scheme}://{authority}"), host))
}

/// Loopback hosts never go through a proxy (tests, fakehub, local demos).
pub(super) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether to use the environment's proxy (`ALL_PROXY`/`HTTPS_PROXY`/`HTTP_PROXY`) for `host`:
/// never for loopback, and not for hosts matched by `NO_PROXY` (which ureq 2 itself ignores):
/// `*`, an exact host, or a domain suffix (`.corp` or `corp` both match `ghe.corp`).
pub(super) fn proxy_allowed(host: &str, no_proxy: Option<&str>) -> bool {
    if is_loopback(host) {
        return false;
    }
    let host = host.to_ascii_lowercase();
    !no_proxy.unwrap_or("").split(',').any(|entry| {
        let entry = entry.trim().trim_start_matches('.').to_ascii_lowercase();
        !entry.is_empty() && (entry == "*" || host == entry || host.ends_with(&format!(".{entry}")))
    })
}

/// Percent-encodes one URL path segment or query value.
pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `rel="next"` URL of a `Link` header, if any.
pub(crate) fn next_link(header: &str) -> Option<String> {
    link_rel(header, "next")
}

/// The URL of a `Link` header with relation `rel` (`next`, `last`, ...), if any.
pub(crate) fn link_rel(header: &str, rel: &str) -> Option<String> {
    let quoted = format!("rel=\"{rel}\"");
    let bare = format!("rel={rel}");
    header.split(',').find_map(|part| {
        let (url_part, params) = part.split_once(';')?;
        let url = url_part.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim();
                p == quoted || p == bare
            })
            .then(|| url.to_string())
    })
}

/// The `page` query parameter of a URL, if it is a number.
pub(crate) fn page_number(url: &str) -> Option<usize> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|value| value.parse().ok())
}

/// `url` with its `page` query parameter set to `page`.
pub(crate) fn with_page(url: &str, page: usize) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
        .map(str::to_string)
        .collect();
    pairs.push(format!("page={page}"));
    format!("{path}?{}", pairs.join("&"))
}

pub(super) fn header_u64(response: &ureq::Response, name: &str) -> Option<u64> {
    response.header(name).and_then(|v| v.trim().parse().ok())
}

pub(super) fn repo_path(r: &RepoRef, rest: &str) -> String {
    format!("/repos/{}/{}{rest}", encode(&r.owner), encode(&r.name))
}

/// `/repos/{o}/{r}/contents/{path}` with each path segment encoded but the slashes kept.
pub(super) fn contents_path(r: &RepoRef, path: &str) -> String {
    let encoded: Vec<String> = path.trim_matches('/').split('/').map(encode).collect();
    repo_path(r, &format!("/contents/{}", encoded.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_links_and_page_numbers() {
        let header = r#"<https://api.github.com/repositories/1/stargazers?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/stargazers?per_page=100&page=400>; rel="last""#;
        let last = link_rel(header, "last").unwrap();
        assert_eq!(page_number(&last), Some(400));
        assert_eq!(
            with_page(&last, 7),
            "https://api.github.com/repositories/1/stargazers?per_page=100&page=7"
        );
        assert_eq!(with_page("http://h/x", 2), "http://h/x?page=2");
        assert_eq!(page_number("http://h/x?page=abc"), None);
        assert_eq!(link_rel(header, "prev"), None);
    }

    #[test]
    fn link_header_next() {
        let header = r#"<https://api.github.com/gists?page=2&per_page=100>; rel="next", <https://api.github.com/gists?page=5&per_page=100>; rel="last""#;
        assert_eq!(
            next_link(header).as_deref(),
            Some("https://api.github.com/gists?page=2&per_page=100")
        );
        let last_page = r#"<https://api.github.com/gists?page=1>; rel="prev", <https://api.github.com/gists?page=1>; rel="first""#;
        assert_eq!(next_link(last_page), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn origins_and_loopback() {
        assert_eq!(
            split_origin("http://127.0.0.1:8080/api/v3"),
            Some(("http://127.0.0.1:8080".into(), "127.0.0.1".into()))
        );
        assert_eq!(
            split_origin("https://[::1]:9/x").map(|o| o.1),
            Some("::1".into())
        );
        assert_eq!(split_origin("ftp://x"), None);
        assert_eq!(split_origin("https://user:pw@x"), None);
        assert!(
            is_loopback("127.0.0.1")
                && is_loopback("127.5.0.1")
                && is_loopback("localhost")
                && is_loopback("::1")
        );
        assert!(!is_loopback("api.github.com") && !is_loopback("10.0.0.1"));
    }

    #[test]
    fn proxies_skip_loopback_and_no_proxy_hosts() {
        assert!(proxy_allowed("api.github.com", None));
        assert!(!proxy_allowed("127.0.0.1", None));
        assert!(!proxy_allowed("localhost", Some("")));
        assert!(!proxy_allowed("ghe.corp", Some("foo, .corp")));
        assert!(!proxy_allowed("GHE.corp", Some("corp")));
        assert!(!proxy_allowed("api.github.com", Some("*")));
        assert!(proxy_allowed("notcorp.com", Some("corp")));
        assert!(proxy_allowed("api.github.com", Some("ghe.corp,")));
    }

    #[test]
    fn encoding_keeps_unreserved() {
        assert_eq!(encode("traffic-badges.yml"), "traffic-badges.yml");
        assert_eq!(encode(">=2024-05-01"), "%3E%3D2024-05-01");
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn decode_percent(text: &str) -> Vec<u8> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn encode_is_reversible_and_url_safe(text in ".*") {
            let encoded = encode(&text);
            prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            prop_assert_eq!(decode_percent(&encoded), text.as_bytes());
        }

        #[test]
        fn next_link_is_found_in_any_position(
            page in 1u32..1000,
            others in proptest::collection::vec(prop_oneof!["prev", "first", "last"], 0..3),
            at in 0usize..4,
        ) {
            let next = format!("http://127.0.0.1:1/gists?per_page=100&page={page}");
            let mut parts: Vec<String> = others
                .iter()
                .map(|rel| format!("<http://127.0.0.1:1/gists?page=1>; rel=\"{rel}\""))
                .collect();
            parts.insert(at.min(parts.len()), format!("<{next}>; rel=\"next\""));
            prop_assert_eq!(next_link(&parts.join(", ")), Some(next));
        }
    }
}
