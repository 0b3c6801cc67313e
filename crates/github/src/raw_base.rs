//! Where a gist's files can be fetched without the API. The dashboard reads
//! `{base}/{owner}/{id}/raw/{file}` from the browser, and that base differs per host:
//! `https://gist.githubusercontent.com` on github.com, `https://HOST/gist` (or
//! `https://gist.HOST` with subdomain isolation) on GitHub Enterprise Server, and
//! `{origin}/gist-raw` on fakehub. Rather than guess it from the API URL, ghtraf derives it from
//! a `raw_url` GitHub itself returned, with one rule for every host.

/// The raw base of a gist file's `raw_url`: everything before `/{owner}/{gist_id}/raw/`.
/// `None` when the URL does not have that shape (then the caller must say so, not guess).
///
/// ```
/// use ghtraf_github::gist_raw_base;
/// let url = "https://gist.githubusercontent.com/octo/aa5a315d61ae9438b18d/raw/57a7f021/state.json";
/// assert_eq!(gist_raw_base(url, "aa5a315d61ae9438b18d").as_deref(), Some("https://gist.githubusercontent.com"));
/// ```
pub fn gist_raw_base(raw_url: &str, gist_id: &str) -> Option<String> {
    if gist_id.is_empty() || gist_id.contains('/') {
        return None;
    }
    let (scheme, rest) = raw_url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let path_start = rest.find('/')?;
    let (authority, path) = rest.split_at(path_start);
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let marker = format!("/{gist_id}/raw/");
    let at = path.find(&marker)?;
    let before = &path[..at];
    let (prefix, owner) = before.rsplit_once('/')?;
    if owner.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{authority}{prefix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_github_enterprise_and_fakehub() {
        let id = "0123456789abcdef0123456789abcdef";
        let cases = [
            (
                format!("https://gist.githubusercontent.com/octo/{id}/raw/57a7f021a713b1c5a6a199b54cc514735d2d462f/state.json"),
                "https://gist.githubusercontent.com",
            ),
            (
                format!("https://ghe.example.com/gist/octo/{id}/raw/57a7f021/state.json"),
                "https://ghe.example.com/gist",
            ),
            (
                format!("https://gist.ghe.example.com/octo/{id}/raw/57a7f021/clones.json"),
                "https://gist.ghe.example.com",
            ),
            (
                format!("http://127.0.0.1:4321/gist-raw/octo/{id}/raw/state.json"),
                "http://127.0.0.1:4321/gist-raw",
            ),
        ];
        for (url, base) in cases {
            assert_eq!(gist_raw_base(&url, id).as_deref(), Some(base), "{url}");
        }
    }

    #[test]
    fn other_shapes_are_refused_not_guessed() {
        let id = "abc";
        for url in [
            "https://gist.githubusercontent.com/octo/other/raw/x/state.json",
            "https://gist.githubusercontent.com/abc/raw/x",
            "ftp://host/octo/abc/raw/x",
            "https://user@host/octo/abc/raw/x",
            "not a url",
        ] {
            assert_eq!(gist_raw_base(url, id), None, "{url}");
        }
        assert_eq!(gist_raw_base("https://h/o/abc/raw/x", ""), None);
    }
}
